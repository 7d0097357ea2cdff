// Export pages: reports with their names, current cells and (for NDJSON) body, in (year, unit)
// order, a page at a time so that memory stays flat whatever the export's size.
import { aliasedTable, and, asc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { ReportStatus } from '../../domain/report.js'
import { ALL_CELLS, TEMPLATE_IDS, type TemplateId } from '../../domain/templates.js'
import type { Db } from '../connection.js'
import { currentCells, divisions, reportRevisions, reports } from '../schema.js'
import { underCode } from './under.js'

export interface ExportFilter {
  year?: number | undefined
  under?: string | undefined
  statuses: ReportStatus[]
  /** Only the reports on this template (the workbook's sheets are per template). */
  template?: TemplateId | undefined
  /** The cell codes to read (default: every one): a sheet of one table maps a tenth of them. */
  cells?: readonly string[] | undefined
}

/** The columns of current_cells that hold cell values, by cell code. */
const COLUMNS = getTableColumns(currentCells) as unknown as Record<string, SQLiteColumn>
const CELL_COLUMNS = Object.fromEntries(
  ALL_CELLS.map((cell) => [cell.code, sql<number | null>`${COLUMNS[cell.code]!}`])
)

export function createExportsRepository(db: Db) {
  /**
   * One page of an export, in (year, unit) order after a keyset cursor. Each page is a range of
   * the (year, unit_code) index: with the year fixed the cursor is the unit alone, otherwise a
   * row value; either way a page costs what its own rows cost, however many other years the
   * table holds. The revision (for its body) is joined only when the body is wanted: even a
   * LEFT JOIN … ON 0 makes SQLite scan the revisions index once per row.
   */
  const where = (filter: ExportFilter) =>
    and(
      filter.year !== undefined ? eq(reports.year, filter.year) : undefined,
      filter.under ? underCode(reports.unitCode, filter.under) : undefined,
      inArray(reports.status, filter.statuses),
      filter.template ? eq(reports.template, filter.template) : undefined
    )

  function exportQuery(
    filter: ExportFilter,
    after: { year: number; unit: string } | undefined,
    limit: number,
    withBody: boolean
  ) {
    const district = aliasedTable(divisions, 'district')
    const keyset =
      after === undefined
        ? undefined
        : filter.year !== undefined
          ? gt(reports.unitCode, after.unit)
          : sql`(${reports.year}, ${reports.unitCode}) > (${after.year}, ${after.unit})`
    let query = db
      .select({
        head: reports,
        unitName: divisions.name,
        districtCode: district.code,
        districtName: district.name,
        cells: filter.cells
          ? Object.fromEntries(filter.cells.map((code) => [code, CELL_COLUMNS[code]!]))
          : CELL_COLUMNS,
        body: withBody ? sql<unknown>`${reportRevisions.body}`.mapWith(reportRevisions.body) : sql<unknown>`NULL`
      })
      .from(reports)
      .innerJoin(divisions, eq(divisions.code, reports.unitCode))
      .innerJoin(district, eq(district.code, divisions.parentCode))
      .innerJoin(currentCells, eq(currentCells.reportId, reports.id))
      .$dynamic()
    if (withBody) {
      query = query.innerJoin(
        reportRevisions,
        and(eq(reportRevisions.reportId, reports.id), eq(reportRevisions.revision, reports.currentRevision))
      )
    }
    return query
      .where(and(where(filter), keyset))
      .orderBy(asc(reports.year), asc(reports.unitCode))
      .limit(limit)
  }

  return {
    /**
     * A page of reports for an export, ordered by year then unit, with the unit's and district's
     * names, the current cells and (for NDJSON) the canonical body. Exports page through the
     * whole set this way so that memory stays flat whatever its size.
     */
    query: exportQuery,

    /** The templates the filter's reports are on, in the order of TEMPLATE_IDS. */
    templates(filter: ExportFilter): TemplateId[] {
      const used = new Set(
        db
          .selectDistinct({ template: reports.template })
          .from(reports)
          .where(where(filter))
          .all()
          .map((r) => r.template)
      )
      return TEMPLATE_IDS.filter((id) => used.has(id))
    },

    /** Runs exportQuery: the page's rows, and the cursor after them (null on the last page). */
    page(filter: ExportFilter, after: { year: number; unit: string } | undefined, limit: number, withBody: boolean) {
      const rows = exportQuery(filter, after, limit, withBody).all()
      const last = rows.at(-1)
      return { rows, next: rows.length === limit && last ? { year: last.head.year, unit: last.head.unitCode } : null }
    }
  }
}

export type ExportsRepository = ReturnType<typeof createExportsRepository>

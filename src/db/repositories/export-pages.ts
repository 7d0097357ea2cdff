// Export pages: reports with their names, current cells and (for NDJSON) body, in (year, unit)
// order, a page at a time so that memory stays flat whatever the export's size.
import { aliasedTable, and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { ReportStatus } from '../../domain/report.js'
import type { Db } from '../connection.js'
import { currentCells, divisions, reportRevisions, reports } from '../schema.js'
import { underCode } from './under.js'

export interface ExportFilter {
  year?: number | undefined
  under?: string | undefined
  statuses: ReportStatus[]
}

export function createExportsRepository(db: Db) {
  /**
   * One page of an export, in (year, unit) order after a keyset cursor. Each page is a range of
   * the (year, unit_code) index: with the year fixed the cursor is the unit alone, otherwise a
   * row value; either way a page costs what its own rows cost, however many other years the
   * table holds. The revision (for its body) is joined only when the body is wanted: even a
   * LEFT JOIN … ON 0 makes SQLite scan the revisions index once per row.
   */
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
    const where = and(
      filter.year !== undefined ? eq(reports.year, filter.year) : undefined,
      filter.under ? underCode(reports.unitCode, filter.under) : undefined,
      inArray(reports.status, filter.statuses),
      keyset
    )
    let query = db
      .select({
        head: reports,
        unitName: divisions.name,
        districtCode: district.code,
        districtName: district.name,
        cells: currentCells,
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
    return query.where(where).orderBy(asc(reports.year), asc(reports.unitCode)).limit(limit)
  }

  return {
    /**
     * A page of reports for an export, ordered by year then unit, with the unit's and district's
     * names, the current cells and (for NDJSON) the canonical body. Exports page through the
     * whole set this way so that memory stays flat whatever its size.
     */
    query: exportQuery,

    /** Runs exportQuery: the page's rows, and the cursor after them (null on the last page). */
    page(filter: ExportFilter, after: { year: number; unit: string } | undefined, limit: number, withBody: boolean) {
      const rows = exportQuery(filter, after, limit, withBody).all()
      const last = rows.at(-1)
      return { rows, next: rows.length === limit && last ? { year: last.head.year, unit: last.head.unitCode } : null }
    }
  }
}

export type ExportsRepository = ReturnType<typeof createExportsRepository>

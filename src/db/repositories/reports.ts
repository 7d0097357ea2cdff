// Reports: the head row per unit and year, its immutable revisions and reviews, and the
// current-cells projection that aggregates sum.
import { aliasedTable, and, asc, desc, eq, gt, inArray, isNull, lt, not, or, sql, type SQL } from 'drizzle-orm'
import type { Visibility } from '../../domain/access.js'
import { PUBLIC_STATUSES, type ReportStatus, type Report } from '../../domain/report.js'
import { contentHash } from '../../domain/report.js'
import { isOnTime } from '../../domain/deadlines.js'
import { districtOf, NATIONAL } from '../../domain/divisions.js'
import { OUTLIER_CODES, type PeerContext, type Violation } from '../../domain/rules.js'
import type { Connection, Db } from '../connection.js'
import { currentCells, divisions, reportReviews, reportRevisions, reports, reportSignatures } from '../schema.js'
import { actorColumns, appendAudit, type RequestContext } from './audit.js'
import type { Cells } from './cells.js'
import type { Contribution, Rollups, Timeliness } from './rollups.js'
import { underCode } from './under.js'

export type ReportHead = typeof reports.$inferSelect
export type RevisionRow = Omit<typeof reportRevisions.$inferSelect, 'body' | 'errors' | 'warnings'> & {
  body: Report
  errors: Violation[]
  warnings: Violation[]
}
export type ReviewRow = typeof reportReviews.$inferSelect

export interface NewRevision {
  unit: string
  year: number
  /** The revision the caller saw as current (0 for none); another writer in between is a conflict. */
  expectedRevision: number
  revision: number
  report: Report
  contentHash: string
  errors: Violation[]
  warnings: Violation[]
  reason: string | null
  context: RequestContext
  at: Date
  /** The deadline in force for the unit and year (YYYY-MM-DD), against which timeliness is judged. */
  deadline: string
  /** Sketches of the report's prose, for comparing later submissions with it. */
  signatures: Signatures
}

export interface Signatures {
  overview: number[] | null
  problems: number[] | null
}

/** The rows a caller may see: every public report, and the private ones its visibility covers. */
function visibleTo(visibility: Visibility): SQL | undefined {
  if (visibility.kind === 'all') return undefined
  const open = inArray(reports.status, [...PUBLIC_STATUSES])
  return visibility.kind === 'under' ? or(open, underCode(reports.unitCode, visibility.code)) : open
}

/** Another writer stored a revision between the caller's read and its write. */
export class ConcurrentChangeError extends Error {
  constructor(
    readonly unit: string,
    readonly year: number
  ) {
    super(`report ${unit}/${year} changed concurrently`)
  }
}

export interface ReportFilter {
  year?: number | undefined
  /** A division code: reports of the townships under it (codes are prefixes of their children's). */
  under?: string | undefined
  status?: ReportStatus | undefined
  template?: string | undefined
  /**
   * Drafts and returned reports are listed only under this division (the caller's scope; `''`
   * for everything); without it, only submitted and accepted reports are listed.
   */
  /** Which drafts and returned reports may be listed besides the public ones. */
  visibility: Visibility
}

export function timelinessOf(firstSubmittedAt: Date | null, deadline: string): Timeliness {
  const onTime = isOnTime(firstSubmittedAt, deadline)
  return onTime === null ? 'none' : onTime ? 'on_time' : 'late'
}

/** A head's contribution to the rollups, with the cells of its current revision. */
export function contributionOf(cells: Cells, head: ReportHead): Contribution {
  return {
    unit: head.unitCode,
    year: head.year,
    template: head.template,
    status: head.status,
    timeliness: head.timeliness,
    cells: cells.read(head.id) ?? {}
  }
}

export function createReportsRepository({ db, sqlite }: Connection, rollups: Rollups, cells: Cells) {
  const saveSignatures = (tx: Pick<Db, 'insert'>, reportId: number, signatures: Signatures) =>
    tx
      .insert(reportSignatures)
      .values({ reportId, ...signatures })
      .onConflictDoUpdate({ target: reportSignatures.reportId, set: signatures })
      .run()
  // The district's other public reports of a year: their prose sketches and headline figures.
  const peerQuery = sqlite.prepare(
    `SELECT h.unit_code AS unit, s.overview, s.problems, ${OUTLIER_CODES.map((code, i) => `c."${code}" AS c${i}`).join(', ')}
     FROM reports h JOIN current_cells c ON c.report_id = h.id LEFT JOIN report_signatures s ON s.report_id = h.id
     WHERE h.year = ? AND h.unit_code >= ? AND h.unit_code < ? AND h.unit_code <> ? AND h.status IN ('submitted', 'accepted')`
  )
  const ownPreviousQuery = sqlite.prepare(
    `SELECT s.overview, s.problems FROM reports h JOIN report_signatures s ON s.report_id = h.id
     WHERE h.unit_code = ? AND h.year = ? AND h.status IN ('submitted', 'accepted')`
  )

  // Prepared once: every PUT and GET of a report reads its head and current revision.
  const headQuery = db
    .select()
    .from(reports)
    .where(and(eq(reports.unitCode, sql.placeholder('unit')), eq(reports.year, sql.placeholder('year'))))
    .prepare()
  const revisionQuery = db
    .select()
    .from(reportRevisions)
    .where(
      and(
        eq(reportRevisions.reportId, sql.placeholder('reportId')),
        eq(reportRevisions.revision, sql.placeholder('revision'))
      )
    )
    .prepare()
  const head = (unit: string, year: number): ReportHead | undefined => headQuery.get({ unit, year })
  const revisionOf = (reportId: number, revision: number) =>
    revisionQuery.get({ reportId, revision }) as RevisionRow | undefined

  /**
   * One page of an export, in (year, unit) order after a keyset cursor. Each page is a range of
   * the (year, unit_code) index: with the year fixed the cursor is the unit alone, otherwise a
   * row value; either way a page costs what its own rows cost, however many other years the
   * table holds. The revision (for its body) is joined only when the body is wanted: even a
   * LEFT JOIN … ON 0 makes SQLite scan the revisions index once per row.
   */
  function exportQuery(
    filter: { year?: number | undefined; under?: string | undefined; statuses: ReportStatus[] },
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
    head,

    /** The head and its current revision. */
    current(unit: string, year: number): { head: ReportHead; revision: RevisionRow } | undefined {
      const found = head(unit, year)
      if (!found) return undefined
      const revision = revisionOf(found.id, found.currentRevision)
      return revision ? { head: found, revision } : undefined
    },

    revision(unit: string, year: number, revision: number): RevisionRow | undefined {
      const found = head(unit, year)
      return found ? revisionOf(found.id, revision) : undefined
    },

    revisions(reportId: number): RevisionRow[] {
      return db
        .select()
        .from(reportRevisions)
        .where(eq(reportRevisions.reportId, reportId))
        .orderBy(asc(reportRevisions.revision))
        .all() as RevisionRow[]
    },

    reviews(reportId: number): ReviewRow[] {
      return db
        .select()
        .from(reportReviews)
        .where(eq(reportReviews.reportId, reportId))
        .orderBy(asc(reportReviews.id))
        .all()
    },

    lastReview(reportId: number): ReviewRow | undefined {
      return db
        .select()
        .from(reportReviews)
        .where(eq(reportReviews.reportId, reportId))
        .orderBy(desc(reportReviews.id))
        .get()
    },

    /**
     * Stores a new revision and makes it current, in one immediate transaction: the head, the
     * revision row and the current-cells projection change together or not at all.
     */
    appendRevision(input: NewRevision): ReportHead {
      return db.transaction(
        (tx) => {
          const existing = tx
            .select()
            .from(reports)
            .where(and(eq(reports.unitCode, input.unit), eq(reports.year, input.year)))
            .get()
          if ((existing?.currentRevision ?? 0) !== input.expectedRevision) {
            throw new ConcurrentChangeError(input.unit, input.year)
          }
          const before = existing && contributionOf(cells, existing)
          const status = input.report.status
          const firstSubmittedAt = existing?.firstSubmittedAt ?? (status === 'submitted' ? input.at : null)
          const values = {
            currentRevision: input.revision,
            status,
            template: input.report.template,
            firstSubmittedAt,
            timeliness: timelinessOf(firstSubmittedAt, input.deadline),
            acceptedAt: null,
            updatedAt: input.at
          }
          const saved = existing
            ? tx.update(reports).set(values).where(eq(reports.id, existing.id)).returning().get()
            : tx
                .insert(reports)
                .values({ ...values, unitCode: input.unit, year: input.year, createdAt: input.at })
                .returning()
                .get()
          tx.insert(reportRevisions)
            .values({
              reportId: saved.id,
              revision: input.revision,
              status,
              template: input.report.template,
              body: input.report,
              contentHash: input.contentHash,
              errors: input.errors,
              warnings: input.warnings,
              reason: input.reason,
              ...actorColumns(input.context),
              createdAt: input.at
            })
            .run()
          appendAudit(
            tx,
            input.context,
            {
              action: 'report.revision',
              target: `${input.unit}/${input.year}`,
              divisionCode: input.unit,
              detail: {
                revision: input.revision,
                status,
                template: input.report.template,
                errors: input.errors.length,
                reason: input.reason
              }
            },
            input.at
          )
          const written = cells.write(saved.id, input.revision, input.report)
          saveSignatures(tx, saved.id, input.signatures)
          rollups.replace(before, {
            unit: saved.unitCode,
            year: saved.year,
            template: saved.template,
            status,
            timeliness: saved.timeliness,
            cells: written
          })
          return saved
        },
        { behavior: 'immediate' }
      )
    },

    /**
     * Loads many reports at once (demo data, imports of past years): a head, one revision and
     * its cells each, in one transaction, skipping units that already have a report for the
     * year. Rollups are not touched: call rollups.rebuild() afterwards. Returns how many were added.
     */
    bulkInsert(
      items: Array<{
        report: Report
        status: ReportStatus
        firstSubmittedAt: Date | null
        timeliness: Timeliness
        errors: Violation[]
        warnings: Violation[]
        at: Date
        signatures: Signatures
      }>,
      context: RequestContext
    ): number {
      return db.transaction((tx) => {
        let added = 0
        for (const item of items) {
          const { report } = item
          const head = tx
            .insert(reports)
            .values({
              unitCode: report.unit,
              year: report.year,
              currentRevision: 1,
              status: item.status,
              template: report.template,
              firstSubmittedAt: item.firstSubmittedAt,
              timeliness: item.timeliness,
              acceptedAt: item.status === 'accepted' ? item.at : null,
              createdAt: item.at,
              updatedAt: item.at
            })
            .onConflictDoNothing()
            .returning({ id: reports.id })
            .get()
          if (!head) continue
          tx.insert(reportRevisions)
            .values({
              reportId: head.id,
              revision: 1,
              status: report.status,
              template: report.template,
              body: report,
              contentHash: contentHash(report),
              errors: item.errors,
              warnings: item.warnings,
              ...actorColumns(context),
              createdAt: item.at
            })
            .run()
          cells.write(head.id, 1, report)
          saveSignatures(tx, head.id, item.signatures)
          added++
        }
        appendAudit(
          tx,
          context,
          {
            action: 'report.bulk',
            target: `${added} reports`,
            divisionCode: null,
            detail: { added, offered: items.length }
          },
          new Date()
        )
        return added
      })
    },

    /**
     * What the rules that compare with peers need: the prose sketches of the district's other
     * submitted or accepted reports of the year and of the unit's previous year, and their
     * headline figures (rules.OUTLIER_CODES).
     */
    peers(unit: string, year: number): { narratives: PeerContext['narratives']; cells: PeerContext['cells'] } {
      const district = districtOf(unit)
      const next = String(Number(district) + 1).padStart(6, '0')
      const narratives: PeerContext['narratives'] = []
      const figures: PeerContext['cells'] = Object.fromEntries(OUTLIER_CODES.map((code) => [code, []]))
      const add = (who: string, when: number, row: { overview: string | null; problems: string | null }) => {
        for (const part of ['overview', 'problems'] as const) {
          const sketch = row[part] ? (JSON.parse(row[part]!) as number[] | null) : null
          if (sketch) narratives.push({ unit: who, year: when, part, signature: sketch })
        }
      }
      for (const row of peerQuery.all(year, district, next, unit) as Array<Record<string, unknown>>) {
        add(row.unit as string, year, row as { overview: string | null; problems: string | null })
        OUTLIER_CODES.forEach((code, i) => {
          const value = row[`c${i}`]
          if (typeof value === 'number') figures[code]!.push(value)
        })
      }
      const own = ownPreviousQuery.get(unit, year - 1) as
        { overview: string | null; problems: string | null } | undefined
      if (own) add(unit, year - 1, own)
      return { narratives, cells: figures }
    },

    /**
     * Records a review action on the revision the reviewer read and moves the head to its new
     * state; throws ConcurrentChangeError when the head moved on (a new revision, or another
     * reviewer) between that read and this write: nothing is then stored.
     */
    review(input: {
      reportId: number
      revision: number
      /** The state the reviewer saw; the review applies only while the head is still in it. */
      status: ReportStatus
      action: 'accept' | 'return'
      comment: string | null
      context: RequestContext
      at: Date
    }): { head: ReportHead; review: ReviewRow } {
      return db.transaction(
        (tx) => {
          const previous = tx.select().from(reports).where(eq(reports.id, input.reportId)).get()
          if (!previous || previous.currentRevision !== input.revision || previous.status !== input.status) {
            throw new ConcurrentChangeError(previous?.unitCode ?? String(input.reportId), previous?.year ?? 0)
          }
          const review = tx
            .insert(reportReviews)
            .values({
              reportId: input.reportId,
              revision: input.revision,
              action: input.action,
              comment: input.comment,
              ...actorColumns(input.context),
              createdAt: input.at
            })
            .returning()
            .get()
          const before = contributionOf(cells, previous)
          const updated = tx
            .update(reports)
            .set({
              status: input.action === 'accept' ? 'accepted' : 'returned',
              acceptedAt: input.action === 'accept' ? input.at : null,
              updatedAt: input.at
            })
            .where(eq(reports.id, input.reportId))
            .returning()
            .get()!
          rollups.replace(before, { ...before, status: updated.status })
          appendAudit(
            tx,
            input.context,
            {
              action: 'report.review',
              target: `${updated.unitCode}/${updated.year}`,
              divisionCode: updated.unitCode,
              detail: { action: input.action, revision: input.revision, comment: input.comment }
            },
            input.at
          )
          return { head: updated, review }
        },
        { behavior: 'immediate' }
      )
    },

    /**
     * The townships under a division (all of them for `cn`) with their report of the year, if
     * any, by code after a keyset cursor; `state` keeps those missing, in one status, or on time
     * or late.
     */
    /**
     * Every township under `code` with its report's state for `year`. A report the caller may not
     * see (a draft or a returned report outside its visibility) is shown, and filtered, as missing.
     */
    coverage(
      code: string,
      year: number,
      state: string | undefined,
      limit: number,
      after: string | undefined,
      visibility: Visibility
    ) {
      const privateStatus = inArray(reports.status, ['draft', 'returned'])
      const hidden: SQL =
        visibility.kind === 'all'
          ? sql`0`
          : visibility.kind === 'under'
            ? (and(privateStatus, not(underCode(reports.unitCode, visibility.code))) as SQL)
            : privateStatus
      const shown = (condition: SQL) => and(condition, not(hidden))
      const stateFilter =
        state === undefined
          ? undefined
          : state === 'missing'
            ? or(isNull(reports.id), hidden)
            : state === 'late'
              ? shown(eq(reports.timeliness, 'late'))
              : state === 'onTime'
                ? shown(eq(reports.timeliness, 'on_time'))
                : shown(eq(reports.status, state as ReportStatus))
      const rows = db
        .select({
          code: divisions.code,
          name: divisions.name,
          districtCode: divisions.parentCode,
          status: reports.status,
          template: reports.template,
          revision: reports.currentRevision,
          firstSubmittedAt: reports.firstSubmittedAt,
          timeliness: reports.timeliness,
          hidden: sql<number>`coalesce(${hidden}, 0)`
        })
        .from(divisions)
        .leftJoin(reports, and(eq(reports.unitCode, divisions.code), eq(reports.year, year)))
        .where(
          and(
            eq(divisions.level, 'township'),
            code === NATIONAL ? undefined : underCode(divisions.code, code),
            after ? gt(divisions.code, after) : undefined,
            stateFilter
          )
        )
        .orderBy(asc(divisions.code))
        .limit(limit + 1)
        .all()
      const more = rows.length > limit
      if (more) rows.pop()
      const visible = rows.map(({ hidden: isHidden, ...row }) =>
        isHidden
          ? { ...row, status: null, template: null, revision: null, firstSubmittedAt: null, timeliness: null }
          : row
      )
      return { rows: visible, after: more ? (rows.at(-1)?.code ?? null) : null }
    },

    /**
     * A page of reports for an export, ordered by year then unit, with the unit's and district's
     * names, the current cells and (for NDJSON) the canonical body. Exports page through the
     * whole set this way so that memory stays flat whatever its size.
     */
    exportQuery,

    /** Runs exportQuery: the page's rows, and the cursor after them (null on the last page). */
    exportPage(
      filter: { year?: number | undefined; under?: string | undefined; statuses: ReportStatus[] },
      after: { year: number; unit: string } | undefined,
      limit: number,
      withBody: boolean
    ) {
      const rows = exportQuery(filter, after, limit, withBody).all()
      const last = rows.at(-1)
      return { rows, next: rows.length === limit && last ? { year: last.head.year, unit: last.head.unitCode } : null }
    },

    /** Report summaries ordered by year (newest first) then unit, after a keyset cursor. */
    list(filter: ReportFilter, limit: number, after?: { year: number; unit: string }) {
      const where = and(
        filter.year !== undefined ? eq(reports.year, filter.year) : undefined,
        filter.under ? underCode(reports.unitCode, filter.under) : undefined,
        filter.status ? eq(reports.status, filter.status) : undefined,
        filter.template ? eq(reports.template, filter.template as 'gb2019' | 'gb2021') : undefined,
        visibleTo(filter.visibility),
        after
          ? or(lt(reports.year, after.year), and(eq(reports.year, after.year), gt(reports.unitCode, after.unit)))
          : undefined
      )
      const rows = db
        .select({
          head: reports,
          unitName: divisions.name,
          errorCount: sql<number>`json_array_length(${reportRevisions.errors})`,
          warningCount: sql<number>`json_array_length(${reportRevisions.warnings})`
        })
        .from(reports)
        .innerJoin(divisions, eq(divisions.code, reports.unitCode))
        .innerJoin(
          reportRevisions,
          and(eq(reportRevisions.reportId, reports.id), eq(reportRevisions.revision, reports.currentRevision))
        )
        .where(where)
        .orderBy(desc(reports.year), asc(reports.unitCode))
        .limit(limit + 1)
        .all()
      const more = rows.length > limit
      if (more) rows.pop()
      const last = rows.at(-1)
      return { rows, next: more && last ? { year: last.head.year, unit: last.head.unitCode } : null }
    }
  }
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>

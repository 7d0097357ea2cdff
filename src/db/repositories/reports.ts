// Reports: the head row per unit and year and its immutable revisions, written with the
// current-cells projection, the prose sketches and the rollups in one transaction; and listed.
import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Visibility } from '../../domain/access.js'
import { isOnTime } from '../../domain/deadlines.js'
import { PUBLIC_STATUSES, type CellRow, type Report, type ReportStatus } from '../../domain/report.js'
import type { Violation } from '../../domain/rules.js'
import { ALL_CELLS, type TemplateId } from '../../domain/templates.js'
import type { Db } from '../connection.js'
import { divisions, findingExplanations, reportRevisions, reports } from '../schema.js'
import { actorColumns, preparedAudit, type RequestContext } from './audit.js'
import type { Cells } from './cells.js'
import { keep } from './kept.js'
import { keysetPage } from './paging.js'
import { signatureWriter, type Signatures } from './peers.js'
import type { Contribution, Rollups, Timeliness } from './rollups.js'
import { PUBLIC_STATUS_LIST, underCode } from './under.js'

export type ReportHead = typeof reports.$inferSelect
export type RevisionRow = Omit<typeof reportRevisions.$inferSelect, 'body' | 'errors' | 'warnings'> & {
  body: Report
  errors: Violation[]
  warnings: Violation[]
}
export interface NewRevision {
  unit: string
  year: number
  /** The revision the caller saw as current (0 for none); another writer in between is a conflict. */
  expectedRevision: number
  /** That revision's content hash, as the caller read it with the number: its cells are kept under it. */
  expectedContentHash?: string | undefined
  revision: number
  report: Report
  /** The report's canonical JSON (canonicalContent), stored as the revision's body. */
  body: string
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
  template?: TemplateId | undefined
  /** Which drafts and returned reports may be listed besides the public ones. */
  visibility: Visibility
}

export function timelinessOf(firstSubmittedAt: Date | null, deadline: string): Timeliness {
  const onTime = isOnTime(firstSubmittedAt, deadline)
  return onTime === null ? 'none' : onTime ? 'on_time' : 'late'
}

const NO_CELLS: CellRow = ALL_CELLS.map(() => null)

/** A head row as SQLite gives it: timestamps in milliseconds. */
type HeadColumns = Omit<ReportHead, 'firstSubmittedAt' | 'acceptedAt' | 'createdAt' | 'updatedAt'> & {
  firstSubmittedAt: number | null
  acceptedAt: number | null
  createdAt: number
  updatedAt: number
}

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms))

function headOf(row: HeadColumns): ReportHead {
  return {
    ...row,
    firstSubmittedAt: dateOf(row.firstSubmittedAt),
    acceptedAt: dateOf(row.acceptedAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt)
  }
}

/** A head's contribution to the rollups, with the cells of its current revision (whose content hash may be given). */
export function contributionOf(cells: Cells, head: ReportHead, contentHash?: string): Contribution {
  return {
    unit: head.unitCode,
    year: head.year,
    template: head.template,
    status: head.status,
    timeliness: head.timeliness,
    cells: cells.read(head.id, contentHash) ?? NO_CELLS
  }
}

/** Parsed revision bodies kept in memory at most (a district's reports of a few years), the oldest dropped first. */
const PARSED_KEPT = 256

export function createReportsRepository(db: Db, rollups: Rollups, cells: Cells) {
  // Raw statements for what every PUT and GET of a report reads (its head, its current revision's
  // hash, the unit's previous year): through the query builder each cost several times the query.
  const sqlite = db.$client
  const HEAD_COLUMNS = `h.id, h.unit_code AS unitCode, h.year, h.current_revision AS currentRevision, h.status,
    h.template, h.first_submitted_at AS firstSubmittedAt, h.timeliness, h.accepted_at AS acceptedAt,
    h.created_at AS createdAt, h.updated_at AS updatedAt`
  const CURRENT = 'JOIN report_revisions r ON r.report_id = h.id AND r.revision = h.current_revision'
  const headQuery = sqlite.prepare(`SELECT ${HEAD_COLUMNS} FROM reports h WHERE h.unit_code = ? AND h.year = ?`)
  const basisQuery = sqlite.prepare(
    `SELECT ${HEAD_COLUMNS}, r.content_hash AS contentHash FROM reports h ${CURRENT}
     WHERE h.unit_code = ? AND h.year = ?`
  )
  // The previous year's report, read by every PUT's cross-year rules: which revision is public
  // first (no body read), then its body, parsed, unless it is kept already. A revision never
  // changes, so what is kept under its report, number and content hash needs no invalidation (a
  // revision rolled back and made again under the same number has another hash, or the same content).
  const publicRevisionQuery = sqlite
    .prepare(
      `SELECT h.id, h.current_revision, r.content_hash FROM reports h ${CURRENT}
       WHERE h.unit_code = ? AND h.year = ? AND h.status IN ${PUBLIC_STATUS_LIST}`
    )
    .raw()
  const bodyQuery = sqlite.prepare('SELECT body FROM report_revisions WHERE report_id = ? AND revision = ?').pluck()
  const parsed = new Map<string, Report>()
  const keyOf = (reportId: number, revision: number, contentHash: string) => `${reportId}:${revision}:${contentHash}`
  const keepParsed = (key: string, report: Report) => keep(parsed, PARSED_KEPT, key, report)
  const oneRevision = and(
    eq(reportRevisions.reportId, sql.placeholder('reportId')),
    eq(reportRevisions.revision, sql.placeholder('revision'))
  )
  const revisionQuery = db.select().from(reportRevisions).where(oneRevision).prepare()
  const head = (unit: string, year: number): ReportHead | undefined => {
    const row = headQuery.get(unit, year) as HeadColumns | undefined
    return row && headOf(row)
  }

  // The statements of a submission's write, raw as well: positional values, the timestamps in
  // milliseconds and the JSON columns as text, as Drizzle would have encoded them.
  const HEAD_SET = [
    'current_revision',
    'status',
    'template',
    'first_submitted_at',
    'timeliness',
    'accepted_at',
    'updated_at'
  ]
  const RETURNING = `RETURNING ${HEAD_COLUMNS.replaceAll('h.', '')}`
  const updateHead = sqlite.prepare(
    `UPDATE reports SET ${HEAD_SET.map((c) => `${c} = ?`).join(', ')} WHERE id = ? ${RETURNING}`
  )
  const insertHead = sqlite.prepare(
    `INSERT INTO reports (${HEAD_SET.join(', ')}, unit_code, year, created_at)
     VALUES (${HEAD_SET.map(() => '?').join(', ')}, ?, ?, ?) ${RETURNING}`
  )
  const insertRevision = sqlite.prepare(
    `INSERT INTO report_revisions (report_id, revision, status, template, body, content_hash, errors, warnings,
       reason, by_token_id, by_role, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  const audit = preparedAudit(db)
  const saveSignatures = signatureWriter(db)
  const revisionOf = (reportId: number, revision: number) =>
    revisionQuery.get({ reportId, revision }) as RevisionRow | undefined
  // Immediate at the top level, a savepoint inside another transaction: better-sqlite3's own
  // wrapper, made once (Drizzle's db.transaction makes a new one on every call, several times
  // a PUT).
  const atomic = db.$client.transaction((work: () => unknown) => work())
  const atomically = <T>(work: () => T): T => atomic.immediate(work) as T

  return {
    head,

    /**
     * Runs `work` in a transaction: an immediate one at the top level, a savepoint inside
     * another (so that a failing part rolls back alone). For committing several submissions at once.
     */
    transaction: atomically,

    /** The head and its current revision. */
    current(unit: string, year: number): { head: ReportHead; revision: RevisionRow } | undefined {
      const found = head(unit, year)
      if (!found) return undefined
      const revision = revisionOf(found.id, found.currentRevision)
      return revision ? { head: found, revision } : undefined
    },

    /** The head and its current revision's content hash: what a PUT decides on (no body read). */
    basis(unit: string, year: number): { head: ReportHead; contentHash: string } | undefined {
      const row = basisQuery.get(unit, year) as (HeadColumns & { contentHash: string }) | undefined
      return row && { head: headOf(row), contentHash: row.contentHash }
    },

    /** The unit's current report of a year when it is public (submitted or accepted). */
    publicReport(unit: string, year: number): Report | undefined {
      const row = publicRevisionQuery.get(unit, year) as [number, number, string] | undefined
      if (!row) return undefined
      const [reportId, revision, contentHash] = row
      const key = keyOf(reportId, revision, contentHash)
      const known = parsed.get(key)
      if (known) return known
      const report = JSON.parse(bodyQuery.get(reportId, revision) as string) as Report
      keepParsed(key, report)
      return report
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

    /**
     * Stores a new revision and makes it current, in one immediate transaction: the head, the
     * revision row and the current-cells projection change together or not at all.
     */
    appendRevision(input: NewRevision): ReportHead {
      return atomically(() => {
        const existing = head(input.unit, input.year)
        if ((existing?.currentRevision ?? 0) !== input.expectedRevision) {
          throw new ConcurrentChangeError(input.unit, input.year)
        }
        // The revision is the one the caller read (a revision never changes), so is its hash.
        const before = existing && contributionOf(cells, existing, input.expectedContentHash)
        const status = input.report.status
        const firstSubmittedAt = existing?.firstSubmittedAt ?? (status === 'submitted' ? input.at : null)
        const headValues = [
          input.revision,
          status,
          input.report.template,
          firstSubmittedAt?.getTime() ?? null,
          timelinessOf(firstSubmittedAt, input.deadline),
          null, // accepted_at: a new revision awaits review again
          input.at.getTime()
        ]
        const saved = headOf(
          (existing
            ? updateHead.get(...headValues, existing.id)
            : insertHead.get(...headValues, input.unit, input.year, input.at.getTime())) as HeadColumns
        )
        const { byTokenId, byRole } = actorColumns(input.context)
        insertRevision.run(
          saved.id,
          input.revision,
          status,
          input.report.template,
          input.body,
          input.contentHash,
          JSON.stringify(input.errors),
          JSON.stringify(input.warnings),
          input.reason,
          byTokenId,
          byRole,
          input.at.getTime()
        )
        audit(
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
        // Kept as the next year's baseline (the caller leaves the report as it is from here on).
        keepParsed(keyOf(saved.id, input.revision, input.contentHash), input.report)
        const written = cells.write(saved.id, input.revision, input.report, input.contentHash)
        saveSignatures(saved.id, input.signatures)
        rollups.replace(before, {
          unit: saved.unitCode,
          year: saved.year,
          template: saved.template,
          status,
          timeliness: saved.timeliness,
          cells: written
        })
        return saved
      })
    },

    /** Report summaries ordered by year (newest first) then unit, after a keyset cursor. */
    list(filter: ReportFilter, limit: number, after?: { year: number; unit: string }) {
      const where = and(
        filter.year !== undefined ? eq(reports.year, filter.year) : undefined,
        filter.under ? underCode(reports.unitCode, filter.under) : undefined,
        filter.status ? eq(reports.status, filter.status) : undefined,
        filter.template ? eq(reports.template, filter.template) : undefined,
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
      return keysetPage(rows, limit, (row) => ({ year: row.head.year, unit: row.head.unitCode }))
    },

    /**
     * The submitted reports under a division (not yet accepted or returned), the longest waiting
     * first: by when their current revision was stored. With the counts a reviewer sorts by.
     */
    awaitingReview(filter: { under: string; year?: number | undefined }, limit: number, after?: ReviewCursor) {
      const waitingSince = reportRevisions.createdAt
      const rows = db
        .select({
          head: reports,
          unitName: divisions.name,
          waitingSince,
          errorCount: sql<number>`json_array_length(${reportRevisions.errors})`,
          warningCount: sql<number>`json_array_length(${reportRevisions.warnings})`,
          explained: sql<number>`(SELECT count(*) FROM ${findingExplanations} WHERE ${findingExplanations.reportId} = ${
            reports.id
          } AND ${findingExplanations.revision} = ${reports.currentRevision})`
        })
        .from(reports)
        .innerJoin(divisions, eq(divisions.code, reports.unitCode))
        .innerJoin(
          reportRevisions,
          and(eq(reportRevisions.reportId, reports.id), eq(reportRevisions.revision, reports.currentRevision))
        )
        .where(
          and(
            eq(reports.status, 'submitted'),
            underCode(reports.unitCode, filter.under),
            filter.year !== undefined ? eq(reports.year, filter.year) : undefined,
            after
              ? or(
                  gt(waitingSince, new Date(after.since)),
                  and(eq(waitingSince, new Date(after.since)), gt(reports.id, after.id))
                )
              : undefined
          )
        )
        .orderBy(asc(waitingSince), asc(reports.id))
        .limit(limit + 1)
        .all()
      return keysetPage(rows, limit, (row): ReviewCursor => ({ since: row.waitingSince.getTime(), id: row.head.id }))
    }
  }
}

/** Where a page of the review queue ends: the waiting time and report id of its last row. */
export interface ReviewCursor {
  since: number
  id: number
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>

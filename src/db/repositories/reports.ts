// Reports: the head row per unit and year, its immutable revisions and reviews, and the
// current-cells projection that aggregates sum.
import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm'
import type { ReportStatus, Report } from '../../domain/report.js'
import type { Violation } from '../../domain/rules.js'
import { ALL_CELLS } from '../../domain/templates.js'
import { readCell } from '../../domain/report.js'
import type { Db } from '../connection.js'
import { currentCells, divisions, reportReviews, reportRevisions, reports } from '../schema.js'
import { appendAudit, type RequestContext } from './audit.js'
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
}

/** Another writer stored a revision between the caller's read and its write. */
export class ConcurrentChangeError extends Error {
  constructor(readonly unit: string, readonly year: number) {
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
  privateUnder?: string | undefined
}

function cellsRow(reportId: number, revision: number, report: Report) {
  const row: Record<string, number | null> = { reportId, revision }
  for (const cell of ALL_CELLS) row[cell.code] = readCell(report, cell.path) ?? null
  return row as typeof currentCells.$inferInsert
}

export function createReportsRepository(db: Db) {
  const head = (unit: string, year: number) =>
    db.select().from(reports).where(and(eq(reports.unitCode, unit), eq(reports.year, year))).get()

  const revisionOf = (reportId: number, revision: number) =>
    db
      .select()
      .from(reportRevisions)
      .where(and(eq(reportRevisions.reportId, reportId), eq(reportRevisions.revision, revision)))
      .get() as RevisionRow | undefined

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
      return db.select().from(reportReviews).where(eq(reportReviews.reportId, reportId)).orderBy(asc(reportReviews.id)).all()
    },

    lastReview(reportId: number): ReviewRow | undefined {
      return db.select().from(reportReviews).where(eq(reportReviews.reportId, reportId)).orderBy(desc(reportReviews.id)).get()
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
          const status = input.report.status
          const firstSubmittedAt = existing?.firstSubmittedAt ?? (status === 'submitted' ? input.at : null)
          const values = {
            currentRevision: input.revision,
            status,
            template: input.report.template,
            firstSubmittedAt,
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
              byTokenId: input.context.actor?.tokenId ?? null,
              byRole: input.context.actor?.role ?? null,
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
              detail: { revision: input.revision, status, template: input.report.template, errors: input.errors.length, reason: input.reason }
            },
            input.at
          )
          const cells = cellsRow(saved.id, input.revision, input.report)
          tx.insert(currentCells).values(cells).onConflictDoUpdate({ target: currentCells.reportId, set: cells }).run()
          return saved
        },
        { behavior: 'immediate' }
      )
    },

    /** Records a review action on the current revision and moves the head to its new state. */
    review(input: {
      reportId: number
      revision: number
      action: 'accept' | 'return'
      comment: string | null
      context: RequestContext
      at: Date
    }): { head: ReportHead; review: ReviewRow } {
      return db.transaction(
        (tx) => {
          const review = tx
            .insert(reportReviews)
            .values({
              reportId: input.reportId,
              revision: input.revision,
              action: input.action,
              comment: input.comment,
              byTokenId: input.context.actor?.tokenId ?? null,
              byRole: input.context.actor?.role ?? null,
              createdAt: input.at
            })
            .returning()
            .get()
          const updated = tx
            .update(reports)
            .set({
              status: input.action === 'accept' ? 'accepted' : 'returned',
              acceptedAt: input.action === 'accept' ? input.at : null,
              updatedAt: input.at
            })
            .where(and(eq(reports.id, input.reportId), eq(reports.currentRevision, input.revision)))
            .returning()
            .get()
          if (!updated) throw new Error(`report ${input.reportId} moved past revision ${input.revision} during review`)
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

    /** Report summaries ordered by year (newest first) then unit, after a keyset cursor. */
    list(filter: ReportFilter, limit: number, after?: { year: number; unit: string }) {
      const where = and(
        filter.year !== undefined ? eq(reports.year, filter.year) : undefined,
        filter.under ? underCode(reports.unitCode, filter.under) : undefined,
        filter.status ? eq(reports.status, filter.status) : undefined,
        filter.template ? eq(reports.template, filter.template as 'gb2019' | 'gb2021') : undefined,
        filter.privateUnder === ''
          ? undefined
          : or(
              inArray(reports.status, ['submitted', 'accepted']),
              filter.privateUnder ? underCode(reports.unitCode, filter.privateUnder) : undefined
            ),
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

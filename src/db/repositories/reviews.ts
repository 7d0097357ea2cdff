// Reviews: the district's accept or return of a submitted revision, each kept, the head moved
// to its new state in the same transaction.
import { asc, eq } from 'drizzle-orm'
import type { ReportStatus } from '../../domain/report.js'
import type { Db } from '../connection.js'
import { reportReviews, reports } from '../schema.js'
import { actorColumns, appendAudit, type RequestContext } from './audit.js'
import type { Cells } from './cells.js'
import { ConcurrentChangeError, contributionOf, type ReportHead } from './reports.js'
import type { Rollups } from './rollups.js'

export type ReviewRow = typeof reportReviews.$inferSelect

export function createReviewsRepository(db: Db, rollups: Rollups, cells: Cells) {
  // Read by every GET and PUT of a report (its entity tag): a raw statement prepared once.
  const lastQuery = db.$client.prepare(
    `SELECT id, report_id AS reportId, revision, action, comment, by_token_id AS byTokenId, by_role AS byRole,
       created_at AS createdAt
     FROM report_reviews WHERE report_id = ? ORDER BY id DESC LIMIT 1`
  )
  return {
    /** Every review of a report, oldest first. */
    list(reportId: number): ReviewRow[] {
      return db
        .select()
        .from(reportReviews)
        .where(eq(reportReviews.reportId, reportId))
        .orderBy(asc(reportReviews.id))
        .all()
    },

    /** The latest review of a report. */
    last(reportId: number): ReviewRow | undefined {
      const row = lastQuery.get(reportId) as (Omit<ReviewRow, 'createdAt'> & { createdAt: number }) | undefined
      return row && { ...row, createdAt: new Date(row.createdAt) }
    },

    /**
     * Records a review action on the revision the reviewer read and moves the head to its new
     * state; throws ConcurrentChangeError when the head moved on (a new revision, or another
     * reviewer) between that read and this write: nothing is then stored.
     */
    record(input: {
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
            .get()
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
    }
  }
}

export type ReviewsRepository = ReturnType<typeof createReviewsRepository>

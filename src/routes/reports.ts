// Reports: submission (PUT), reading, revisions and their diffs, validation without storing,
// listing, and the district's review. Thin: checks → domain decisions → repository.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ConcurrentChangeError, type ReportHead, type RevisionRow } from '../db/repositories/reports.js'
import type { ReviewRow } from '../db/repositories/reviews.js'
import { seesPrivate } from '../domain/access.js'
import { diffReports, isPublic, REPORT_STATUSES, toReport, type Report } from '../domain/report.js'
import { noneMatchHits } from '../domain/conditional.js'
import { toBeijingIso } from '../domain/time.js'
import { ReportNotFound, ReviewNotAllowed, RevisionNotFound, validationError, type FieldIssue } from '../errors.js'
import { requestValue } from '../plugins/auth.js'
import { problemResponse } from '../plugins/errors.js'
import { createSubmissions } from '../services/submissions.js'
import { by, workflow } from './present.js'
import { Cursor, DivisionCode, Limit, Year } from '../schemas/common.js'
import {
  Diff,
  Evaluation,
  ReportList,
  ReportSubmission,
  ReportToValidate,
  ReviewBody,
  ReviewQueue,
  ReviewQueueQuery,
  ReviewResult,
  RevisionList,
  StoredReport,
  SubmissionResult
} from '../schemas/reports.js'
import { TemplateId } from '../schemas/templates.js'
import { decodeCursor, encodeCursor } from './cursor.js'

// Any division code is taken so that a district or city gets 422 NOT_A_TOWNSHIP, not a pattern error.
const ReportParams = Type.Object({ unit: DivisionCode, year: Year })
const RevisionParams = Type.Object({
  unit: DivisionCode,
  year: Year,
  n: Type.Integer({ minimum: 1, maximum: 1_000_000 })
})
const PutHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ maxLength: 500, description: 'The ETag of the revision the change is based on' })
  ),
  'if-none-match': Type.Optional(
    Type.String({
      maxLength: 500,
      description: '`*`: store only if no report is stored for the unit and year yet (else 412)'
    })
  )
})
const GetHeaders = Type.Object({
  'if-none-match': Type.Optional(
    Type.String({
      maxLength: 500,
      description: 'The ETag of an earlier answer: 304 while it names the current revision'
    })
  )
})
const ListQuery = Type.Object(
  {
    year: Type.Optional(Year),
    under: Type.Optional(DivisionCode),
    status: Type.Optional(
      Type.Enum(REPORT_STATUSES, {
        errorMessage: `must be ${REPORT_STATUSES.slice(0, -1).join(', ')} or ${REPORT_STATUSES.at(-1)}`
      })
    ),
    template: Type.Optional(TemplateId),
    limit: Limit,
    cursor: Type.Optional(Cursor)
  },
  { additionalProperties: false }
)

const reviewBody = (review: ReviewRow) => ({
  action: review.action,
  comment: review.comment,
  revision: review.revision,
  at: toBeijingIso(review.createdAt),
  by: by(review)
})

const reportRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string | null }> = async (app, { publicUrl }) => {
  const { reports, reviews } = app.repos

  const submissions = createSubmissions(app.repos, () => app.now())
  const { requireTownship, checkYear, evaluate } = submissions

  /** Drafts and returned reports are visible to their unit, its district and admins only. */
  function assertVisible(request: FastifyRequest, unit: string, year: number, ...statuses: string[]): void {
    if (statuses.every(isPublic) || seesPrivate(request.visibility, unit)) return
    throw new ReportNotFound(unit, String(year))
  }

  /** Revision n of a report whose head the caller may see (404 for a missing or hidden one). */
  function visibleRevision(request: FastifyRequest, unit: string, year: number, n: number) {
    const head = reports.head(unit, year)
    if (!head) throw new ReportNotFound(unit, String(year))
    assertVisible(request, unit, year, head.status)
    const revision = reports.revision(unit, year, n)
    if (!revision) throw new RevisionNotFound(String(n))
    return { head, revision }
  }

  const unitOf = requestValue('params', 'unit')

  app.put(
    '/reports/:unit/:year',
    {
      config: { access: { roles: ['unit', 'district', 'admin'], scope: unitOf } },
      schema: {
        operationId: 'putReport',
        tags: ['reports'],
        summary: 'Submit a report (or a draft), creating a new revision',
        description:
          'status "submitted" (the default) is refused with 422 and every violation when an error rule fails; ' +
          '"draft" is stored with its errors. 201 for the first revision, 200 for a new one, 200 with ' +
          'unchanged=true when the content equals the current revision. An accepted report is locked: ' +
          'changing it takes amendmentReason. If-Match with a stale ETag gives 412.',
        params: ReportParams,
        headers: PutHeaders,
        body: ReportSubmission,
        response: {
          200: SubmissionResult,
          201: SubmissionResult,
          409: problemResponse(
            'The report is accepted and the change carries no amendmentReason, or another write came first'
          ),
          412: problemResponse('If-Match does not name the current revision, or If-None-Match: * and a report exists'),
          413: problemResponse('The body is over 1 MiB'),
          415: problemResponse('The body is not application/json'),
          422: problemResponse('The unit is not a township, or a submitted report breaks error rules')
        }
      }
    },
    async (request, reply) => {
      const { unit, year } = request.params
      const body = request.body
      const mismatches: FieldIssue[] = []
      if (body.unit !== undefined && body.unit !== unit)
        mismatches.push({ in: 'body', pointer: '/unit', message: `must equal the unit in the path (${unit})` })
      if (body.year !== undefined && body.year !== year)
        mismatches.push({ in: 'body', pointer: '/year', message: `must equal the year in the path (${year})` })
      if (mismatches.length > 0) throw validationError(mismatches)
      checkYear(year, 'path')
      requireTownship(unit)

      const report = toReport(body, unit, year)
      const result = await app.writer.submit(report, {
        ifMatch: request.headers['if-match'],
        ifNoneMatch: request.headers['if-none-match'],
        amendmentReason: body.amendmentReason,
        context: request.requestContext(),
        at: app.now()
      })
      reply.header('etag', result.etag)
      // Absolute from PUBLIC_URL; otherwise relative to the request (the report is at the URL it was
      // PUT to), so that it holds under any prefix a proxy mounts the service at.
      if (result.created)
        reply.code(201).header('location', publicUrl ? `${publicUrl}v1/reports/${unit}/${year}` : String(year))
      return {
        ...workflow(result.head),
        template: result.template,
        unchanged: result.unchanged,
        errors: result.errors,
        warnings: result.warnings
      }
    }
  )

  function storedReport(head: ReportHead, revision: RevisionRow, extra: Record<string, unknown>) {
    return {
      ...revision.body,
      ...workflow(head),
      acceptedAt: head.acceptedAt ? toBeijingIso(head.acceptedAt) : null,
      errors: revision.errors,
      warnings: revision.warnings,
      ...extra
    }
  }

  app.get(
    '/reports/:unit/:year',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getReport',
        tags: ['reports'],
        summary: 'The current revision of a report, with its workflow state',
        params: ReportParams,
        headers: GetHeaders,
        response: { 200: StoredReport, 304: Type.Null({ description: 'If-None-Match names the current revision' }) }
      }
    },
    async (request, reply) => {
      const { unit, year } = request.params
      const found = reports.current(unit, year)
      if (!found) throw new ReportNotFound(unit, String(year))
      assertVisible(request, unit, year, found.head.status)
      const tag = submissions.tagOf(found.head, found.revision.contentHash)
      reply.header('etag', tag)
      if (noneMatchHits(request.headers['if-none-match'], tag)) return reply.code(304).send(null)
      const review = reviews.last(found.head.id)
      return storedReport(found.head, found.revision, { lastReview: review ? reviewBody(review) : null })
    }
  )

  app.get(
    '/reports/:unit/:year/revisions',
    {
      config: { visibility: true },
      schema: {
        operationId: 'listRevisions',
        tags: ['reports'],
        summary: 'Every revision of a report, oldest first, and every review action',
        params: ReportParams,
        response: { 200: RevisionList }
      }
    },
    async (request) => {
      const { unit, year } = request.params
      const head = reports.head(unit, year)
      if (!head) throw new ReportNotFound(unit, String(year))
      assertVisible(request, unit, year, head.status)
      return {
        items: reports.revisions(head.id).map((r) => ({
          revision: r.revision,
          status: r.status,
          template: r.template,
          createdAt: toBeijingIso(r.createdAt),
          by: by(r),
          reason: r.reason,
          errorCount: r.errors.length,
          warningCount: r.warnings.length
        })),
        reviews: reviews.list(head.id).map(reviewBody)
      }
    }
  )

  app.get(
    '/reports/:unit/:year/revisions/:n',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getRevision',
        tags: ['reports'],
        summary: 'One revision of a report, whole',
        params: RevisionParams,
        response: { 200: StoredReport }
      }
    },
    async (request) => {
      const { unit, year, n } = request.params
      const { head, revision } = visibleRevision(request, unit, year, n)
      assertVisible(request, unit, year, revision.status)
      return {
        ...storedReport(head, revision, {
          createdAt: toBeijingIso(revision.createdAt),
          by: by(revision),
          reason: revision.reason
        }),
        // The revision's own number and status, not the head's.
        revision: revision.revision,
        status: revision.status
      }
    }
  )

  app.get(
    '/reports/:unit/:year/revisions/:n/diff',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getRevisionDiff',
        tags: ['reports'],
        summary: 'What changed from revision n−1 to revision n',
        params: RevisionParams,
        response: { 200: Diff }
      }
    },
    async (request) => {
      const { unit, year, n } = request.params
      const { revision } = visibleRevision(request, unit, year, n)
      const before = n > 1 ? reports.revision(unit, year, n - 1) : undefined
      assertVisible(request, unit, year, revision.status, before?.status ?? 'submitted')
      return { from: before ? n - 1 : null, to: n, changes: diffReports((before?.body ?? {}) as Report, revision.body) }
    }
  )

  app.post(
    '/validate',
    {
      schema: {
        operationId: 'validateReport',
        tags: ['reports'],
        summary: 'Check a report against the template and every rule, storing nothing',
        description: "The same engine as PUT; cross-year rules read the unit's stored report of the previous year.",
        body: ReportToValidate,
        response: { 200: Evaluation, 422: problemResponse('The unit is not a township') }
      }
    },
    async (request) => {
      const body = request.body
      checkYear(body.year, 'body')
      requireTownship(body.unit)
      return evaluate(toReport(body, body.unit, body.year))
    }
  )

  app.get(
    '/reports',
    {
      config: { visibility: true },
      schema: {
        operationId: 'listReports',
        tags: ['reports'],
        summary: 'Report summaries, newest year first, then by unit code',
        querystring: ListQuery,
        response: { 200: ReportList }
      }
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query
      const after = cursor ? decodeCursor(cursor, ['number', 'string'] as const) : undefined
      const page = reports.list(
        { ...filter, visibility: request.visibility },
        limit,
        after && { year: after[0], unit: after[1] }
      )
      return {
        items: page.rows.map(({ head, unitName, errorCount, warningCount }) => ({
          ...workflow(head),
          unitName,
          template: head.template,
          acceptedAt: head.acceptedAt ? toBeijingIso(head.acceptedAt) : null,
          updatedAt: toBeijingIso(head.updatedAt),
          errorCount,
          warningCount
        })),
        nextCursor: page.next ? encodeCursor([page.next.year, page.next.unit]) : null
      }
    }
  )

  app.get(
    '/review-queue',
    {
      config: { access: { roles: ['district', 'admin'], scope: requestValue('query', 'under'), read: true } },
      schema: {
        operationId: 'listReviewQueue',
        tags: ['reports'],
        summary: 'The submitted reports under a division that await review, the longest waiting first',
        description:
          'Submitted means neither accepted nor returned yet. Each with its errors, warnings and the findings ' +
          'no reviewer has explained, and the latest review (the return a resubmission answers).',
        querystring: ReviewQueueQuery,
        response: { 200: ReviewQueue }
      }
    },
    async (request) => {
      const { limit, cursor, under, year } = request.query
      const after = cursor ? decodeCursor(cursor, ['number', 'number'] as const) : undefined
      const page = reports.awaitingReview({ under, year }, limit, after && { since: after[0], id: after[1] })
      return {
        items: page.rows.map(({ head, unitName, waitingSince, errorCount, warningCount, explained }) => {
          const review = reviews.last(head.id)
          return {
            ...workflow(head),
            unitName,
            template: head.template,
            waitingSince: toBeijingIso(waitingSince),
            errorCount,
            warningCount,
            openFindings: errorCount + warningCount - explained,
            lastReview: review ? reviewBody(review) : null
          }
        }),
        nextCursor: page.next ? encodeCursor([page.next.since, page.next.id]) : null
      }
    }
  )

  app.post(
    '/reports/:unit/:year/review',
    {
      config: { access: { roles: ['district', 'admin'], scope: unitOf } },
      bodyLimit: 16 * 1024,
      schema: {
        operationId: 'reviewReport',
        tags: ['reports'],
        summary: 'Accept or return a submitted report (district reviewers)',
        description:
          'accept locks the report; return sends it back to its unit. Only a submitted report can be reviewed.',
        params: ReportParams,
        body: ReviewBody,
        response: {
          200: ReviewResult,
          409: problemResponse('The report is not in the submitted state, or changed while it was being reviewed')
        }
      }
    },
    async (request) => {
      const { unit, year } = request.params
      const { action, comment } = request.body
      if (action === 'return' && !comment?.trim()) {
        throw validationError([
          { in: 'body', pointer: '/comment', message: 'is required to return a report: say what to correct' }
        ])
      }
      const head = reports.head(unit, year)
      if (!head) throw new ReportNotFound(unit, String(year))
      if (head.status !== 'submitted') {
        throw new ReviewNotAllowed(`The report is ${head.status}; only a submitted report can be accepted or returned`)
      }
      let result
      try {
        result = reviews.record({
          reportId: head.id,
          revision: head.currentRevision,
          status: head.status,
          action,
          comment: comment ?? null,
          context: request.requestContext(),
          at: app.now()
        })
      } catch (error) {
        if (!(error instanceof ConcurrentChangeError)) throw error
        throw new ReviewNotAllowed(
          `The report changed while revision ${head.currentRevision} was being reviewed; read it again and ` +
            `review what is current`
        )
      }
      return {
        unit,
        year,
        revision: result.head.currentRevision,
        status: result.head.status,
        acceptedAt: result.head.acceptedAt ? toBeijingIso(result.head.acceptedAt) : null,
        review: reviewBody(result.review)
      }
    }
  )
}

export default reportRoutes

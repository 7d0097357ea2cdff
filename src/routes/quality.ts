// Quality: every error and warning across the current reports under a division (what to chase
// before compiling the district's report), and a reviewer's explanation of a warning.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { toBeijingIso } from '../domain/time.js'
import { DivisionNotFound, FindingNotFound, ReportNotFound } from '../errors.js'
import { requestValue } from '../plugins/auth.js'
import { problemResponse } from '../plugins/errors.js'
import { AggregateCode } from '../schemas/aggregates.js'
import { Cursor, Limit, NextCursor, TownshipCode, Year } from '../schemas/common.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { by } from './present.js'

const Explanation = Type.Union([
  Type.Object({
    comment: Type.String(),
    by: Type.Union([Type.Object({ tokenId: Type.String(), role: Type.String() }), Type.Null()]),
    at: Type.String({ format: 'date-time' })
  }),
  Type.Null()
])

const QualityQuery = Type.Object(
  {
    rule: Type.Optional(
      Type.String({ pattern: '^[EW]-[A-Z-]+$', errorMessage: 'must be a rule id such as W-YOY-JUMP' })
    ),
    severity: Type.Optional(Type.Enum(['error', 'warning'], { errorMessage: 'must be error or warning' })),
    state: Type.Optional(
      Type.Enum(['open', 'explained'], {
        description: 'explained: warnings a reviewer has explained',
        errorMessage: 'must be open or explained'
      })
    ),
    limit: Limit,
    cursor: Type.Optional(Cursor)
  },
  { additionalProperties: false }
)

const QualityList = Type.Object({
  scope: Type.Object({ code: Type.String(), year: Type.Integer() }),
  counts: Type.Object({
    total: Type.Integer({ description: 'Every finding of the filter, over all pages' }),
    open: Type.Integer(),
    explained: Type.Integer({ description: 'Counted apart: explained warnings stay listed' }),
    byRule: Type.Array(
      Type.Object({ rule: Type.String(), severity: Type.String(), total: Type.Integer(), explained: Type.Integer() })
    )
  }),
  items: Type.Array(
    Type.Object({
      unit: Type.String(),
      unitName: Type.String(),
      revision: Type.Integer(),
      status: Type.String(),
      rule: Type.String(),
      severity: Type.Enum(['error', 'warning']),
      cells: Type.Array(Type.String()),
      left: Type.Union([Type.Number(), Type.Null()]),
      right: Type.Union([Type.Number(), Type.Null()]),
      message: Type.Object({ zh: Type.String(), en: Type.String() }),
      explanation: Explanation
    })
  ),
  nextCursor: NextCursor
})

const ExplainBody = Type.Object(
  {
    rule: Type.String({
      pattern: '^W-[A-Z-]+$',
      description: 'A warning rule (errors are not explained away)',
      errorMessage: 'must be a warning rule id such as W-YOY-JUMP'
    }),
    cell: Type.Optional(
      Type.String({ maxLength: 200, description: 'The first cell of the finding, when the rule found several' })
    ),
    comment: Type.String({ minLength: 1, maxLength: 2000 })
  },
  { additionalProperties: false }
)

const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { quality, reports, divisions } = app.repos

  app.get(
    '/quality/:code/:year',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getQuality',
        tags: ['quality'],
        summary: 'Every error and warning across the current reports under a division',
        description:
          'Errors first, then by unit. Drafts and returned reports are included for a token that covers them. ' +
          'counts covers every finding of the filter, however many pages.',
        params: Type.Object({ code: AggregateCode, year: Year }),
        querystring: QualityQuery,
        response: { 200: QualityList }
      }
    },
    async (request) => {
      const { code, year } = request.params
      if (code !== 'cn' && !divisions.get(code)) throw new DivisionNotFound(code)
      const { limit, cursor, ...rest } = request.query
      const filter = { code, year, ...rest, visibility: request.visibility }
      const page = quality.findings(
        filter,
        limit,
        cursor ? decodeCursor(cursor, ['number', 'string', 'number'] as const) : undefined
      )
      const byRule = quality.counts(filter)
      const total = byRule.reduce((n, r) => n + r.total, 0)
      const explained = byRule.reduce((n, r) => n + r.explained, 0)
      return {
        scope: { code, year },
        counts: { total, open: total - explained, explained, byRule },
        items: page.rows.map((row) => ({
          unit: row.unit,
          unitName: row.unitName,
          revision: row.revision,
          status: row.status,
          ...row.violation,
          explanation: row.explanation && {
            comment: row.explanation.comment,
            by: by({ byTokenId: row.explanation.tokenId, byRole: row.explanation.role }),
            at: toBeijingIso(new Date(row.explanation.at))
          }
        })),
        nextCursor: page.next ? encodeCursor(page.next) : null
      }
    }
  )

  app.post(
    '/quality/:unit/:year/explanations',
    {
      config: {
        access: { roles: ['district', 'admin'], scope: requestValue('params', 'unit') }
      },
      bodyLimit: 16 * 1024,
      schema: {
        operationId: 'explainFinding',
        tags: ['quality'],
        summary: 'Mark a warning of the current revision explained',
        description: 'The warning stays listed, counted apart; a new revision of the report reopens it.',
        params: Type.Object({ unit: TownshipCode, year: Year }),
        body: ExplainBody,
        response: {
          200: Type.Object({
            unit: Type.String(),
            year: Type.Integer(),
            revision: Type.Integer(),
            rule: Type.String(),
            cell: Type.String(),
            explanation: Explanation
          }),
          404: problemResponse('No such report, or its current revision has no such warning')
        }
      }
    },
    async (request) => {
      const { unit, year } = request.params
      const { rule, cell, comment } = request.body
      const found = reports.current(unit, year)
      if (!found) throw new ReportNotFound(unit, String(year))
      const warning = found.revision.warnings.find(
        (w) => w.rule === rule && (cell === undefined || w.cells[0] === cell)
      )
      if (!warning) throw new FindingNotFound(rule, String(found.head.currentRevision))
      const at = app.now()
      const row = quality.explain({
        reportId: found.head.id,
        unit,
        year,
        revision: found.head.currentRevision,
        rule,
        cell: warning.cells[0] ?? '',
        comment,
        context: request.requestContext(),
        at
      })
      return {
        unit,
        year,
        revision: row.revision,
        rule,
        cell: row.cell,
        explanation: {
          comment: row.comment,
          by: by(row),
          at: toBeijingIso(row.createdAt)
        }
      }
    }
  )
}

export default qualityRoutes

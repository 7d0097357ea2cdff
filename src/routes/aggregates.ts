// Aggregates (one division, its children, or a series of years), coverage of the expected
// townships, and deadlines. Sums come from rollups kept in every write transaction, so a
// national aggregate reads a few rows rather than scanning every report.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { create as attachment } from 'content-disposition'
import { stringify } from 'csv-stringify/sync'
import { Type, type TSchema, type TString } from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RollupRow } from '../db/repositories/rollups.js'
import { seesPrivate, visibilityKey, type Visibility } from '../domain/access.js'
import { digestTag, noneMatchHits } from '../domain/conditional.js'
import { aggregate, coverageOf, DEFAULT_STATUSES } from '../domain/aggregate.js'
import { compiledCsvRows, compiledHtml, compiledMarkdown, type CompiledInput } from '../domain/compiled-report.js'
import { defaultDeadline } from '../domain/deadlines.js'
import { NATIONAL, NATIONAL_SCOPE } from '../domain/divisions.js'
import { isPublic, type ReportStatus } from '../domain/report.js'
import { toBeijingIso } from '../domain/time.js'
import { DivisionNotFound, Forbidden, validationError } from '../errors.js'
import { requestValue } from '../plugins/auth.js'
import {
  AggregateParams,
  Aggregate,
  AggregateQuery,
  AggregateResponse,
  ChildAggregates,
  AggregateSeries,
  CoverageList,
  CoverageQuery,
  DeadlineBody,
  DeadlineParams,
  DeadlineResult,
  SeriesParams,
  SeriesQuery
} from '../schemas/aggregates.js'
import { Binary } from '../schemas/common.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { createResponseCache } from './response-cache.js'

const MAX_SPAN_YEARS = 20
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const NotModified = Type.Null({ description: 'If-None-Match names the current version' })

const aggregateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { divisions, rollups, coverage, deadlines } = app.repos
  const cache = createResponseCache()

  /**
   * Answers from the cache while the database is unchanged, with the version as ETag (a
   * dashboard polling with If-None-Match gets 304); otherwise computes, serializes and keeps.
   */
  function cached(
    request: FastifyRequest,
    reply: FastifyReply,
    compute: () => Record<string, unknown>,
    { visibility, schema }: { visibility?: Visibility; schema?: object } = {}
  ) {
    const version = rollups.version()
    // An answer that shows private states is kept per visibility, never handed to another caller.
    const key = visibility ? `${visibilityKey(visibility)} ${request.url}` : request.url
    let entry = cache.get(key, version)
    if (entry === undefined) {
      // A route whose answer has two shapes names the one it computed: no serializer guesses.
      const body = schema
        ? reply.serializeInput(compute(), schema as Record<string, unknown>)
        : (reply.serialize(compute()) as string)
      // The tag is a digest of the bytes, not the version: a connection's counters start again
      // with each process, so the same version can name different data after a restart.
      entry = { body: Buffer.from(body), etag: `"${digestTag(body)}"` }
      cache.set(key, version, entry)
    }
    reply.header('etag', entry.etag).type('application/json; charset=utf-8')
    if (noneMatchHits(request.headers['if-none-match'], entry.etag)) return reply.code(304).send()
    return reply.send(entry.body)
  }

  /** The scope of a code, or 404 for a code the registry does not hold. */
  function scopeOf(code: string) {
    if (code === NATIONAL) return NATIONAL_SCOPE
    const division = divisions.get(code)
    if (!division) throw new DivisionNotFound(code)
    return { code: division.code, name: division.name, level: division.level }
  }

  /** Statuses to sum; drafts and returned reports only for a token that covers the division. */
  function statusesOf(request: FastifyRequest, code: string, status: string | undefined): ReportStatus[] {
    if (!status) return DEFAULT_STATUSES
    const statuses = [...new Set(status.split(','))] as ReportStatus[]
    if (statuses.some((s) => !isPublic(s)) && !seesPrivate(request.visibility, code)) {
      throw new Forbidden('Drafts and returned reports are summed only for a token that covers the division')
    }
    return statuses
  }

  const body = (rows: RollupRow[], code: string, statuses: ReportStatus[]) =>
    aggregate(rows, divisions.townshipsUnder(code), statuses)

  type Scope = ReturnType<typeof scopeOf>

  /** The sums of one division for a year. */
  function divisionAggregate(scope: Scope, year: number, statuses: ReportStatus[]) {
    const { statuses: _, ...sums } = body(rollups.read([scope.code], year, year), scope.code, statuses)
    return { scope, year, statuses, ...sums }
  }

  /** The same for every child division, those without reports included. */
  function childAggregates(scope: Scope, year: number, statuses: ReportStatus[]) {
    const code = scope.code
    const children = divisions.allChildren(code)
    const rows =
      children.length > 0
        ? rollups.read(
            children.map((c) => c.code),
            year,
            year
          )
        : []
    return {
      scope,
      year,
      statuses,
      items: children.map((child) => {
        const { statuses: _, ...sums } = body(
          rows.filter((r) => r.divisionCode === child.code),
          child.code,
          statuses
        )
        return { scope: { code: child.code, name: child.name, level: child.level }, ...sums }
      })
    }
  }

  /** GET …/{code}/{year} and …/children: the division's sums, or its children's. */
  function aggregateAnswer(
    request: FastifyRequest,
    reply: FastifyReply,
    { code, year, status }: { code: string; year: number; status: string | undefined },
    children: boolean
  ) {
    const scope = scopeOf(code)
    const statuses = statusesOf(request, code, status)
    return children
      ? cached(request, reply, () => childAggregates(scope, year, statuses), { schema: ChildAggregates })
      : cached(request, reply, () => divisionAggregate(scope, year, statuses), { schema: Aggregate })
  }

  app.get(
    '/aggregates/:code/:year',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getAggregate',
        tags: ['aggregates'],
        summary: 'Every cell summed over the reports of the townships under a division (or cn)',
        description:
          'With coverage (never read a missing report as zero), templates, indicators and incomplete cells. ' +
          'groupBy=child gives ChildAggregates instead, as GET …/children does.',
        params: AggregateParams,
        querystring: AggregateQuery,
        response: { 200: AggregateResponse, 304: NotModified }
      }
    },
    async (request, reply) =>
      aggregateAnswer(
        request,
        reply,
        { ...request.params, status: request.query.status },
        request.query.groupBy === 'child'
      )
  )

  app.get(
    '/aggregates/:code/:year/children',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getChildAggregates',
        tags: ['aggregates'],
        summary: 'The aggregate of every child division of a division (or cn), those without reports included',
        params: AggregateParams,
        querystring: Type.Object({ status: AggregateQuery.properties.status }, { additionalProperties: false }),
        response: { 200: Type.Ref('ChildAggregates'), 304: NotModified }
      }
    },
    async (request, reply) => aggregateAnswer(request, reply, { ...request.params, status: request.query.status }, true)
  )

  /** The compiled report's input: the aggregate of the submitted and accepted reports, and who is missing or late. */
  function compiledInput(code: string, year: number): CompiledInput {
    const { scope, year: _, statuses: __, ...sums } = divisionAggregate(scopeOf(code), year, DEFAULT_STATUSES)
    // As the public sees it: a draft or a returned report is missing from the district's figures.
    const names = (state: string) =>
      coverage.page(code, year, state, 30, undefined, { kind: 'public' }).rows.map((r) => r.name)
    return { scope, year, aggregate: sums, missing: names('missing'), late: names('late') }
  }

  const compiledSchema = <R extends TSchema = TString>(
    operationId: string,
    type: string,
    name: string,
    description: string,
    body?: R
  ) => ({
    operationId,
    tags: ['aggregates'],
    summary: `The district's compiled report as ${name}`,
    description,
    params: AggregateParams,
    produces: [type],
    response: { 200: body ?? Type.String({ description: type }) }
  })

  app.get(
    '/aggregates/:code/:year/report.html',
    {
      schema: compiledSchema(
        'getCompiledReportHtml',
        'text/html',
        'HTML, printable on A4',
        'Tables 二, 三 and 四 laid out as on the national form of the year (gb2019 to 2020, gb2021 from 2021), ' +
          'filled with the ' +
          'aggregate of the submitted and accepted reports, with a line on coverage; printable on A4. Table 二 ' +
          'once per template where both were used.'
      )
    },
    async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(compiledHtml(compiledInput(request.params.code, request.params.year)))
  )

  app.get(
    '/aggregates/:code/:year/report.md',
    {
      schema: compiledSchema(
        'getCompiledReportMarkdown',
        'text/markdown',
        'Markdown',
        'The same tables as Markdown, for pasting into the report’s text (merged cells spelled out).'
      )
    },
    async (request, reply) =>
      reply
        .type('text/markdown; charset=utf-8')
        .send(compiledMarkdown(compiledInput(request.params.code, request.params.year)))
  )

  app.get(
    '/aggregates/:code/:year/report.csv',
    {
      schema: compiledSchema(
        'getCompiledReportCsv',
        'text/csv',
        'CSV',
        'One row per printed cell: table, template, code, label, value (UTF-8 with BOM).'
      )
    },
    async (request, reply) =>
      reply.type('text/csv; charset=utf-8').send(
        stringify(compiledCsvRows(compiledInput(request.params.code, request.params.year)), {
          bom: true,
          record_delimiter: 'windows'
        })
      )
  )

  app.get(
    '/aggregates/:code/:year/report.docx',
    {
      schema: compiledSchema(
        'getCompiledReportDocx',
        DOCX,
        'a Word document',
        'The same as a Word document (A4, the fonts of an official document, each with its substitute), to open ' +
          'in Word or WPS and put into the district’s own report.',
        Binary('A Word document (Office Open XML)')
      )
    },
    async (request, reply) => {
      const { code, year } = request.params
      const input = compiledInput(code, year)
      // Loaded by the first document asked for: the docx package is not needed to start.
      const { compiledDocx } = await import('../domain/compiled-docx.js')
      return reply
        .type(DOCX)
        .header(
          'content-disposition',
          // A Chinese name for the office's folder, an ASCII one for clients that cannot read it.
          attachment(`${input.scope.name}${year}年政府信息公开工作年度报告统计表.docx`, {
            fallback: `ogi-${code}-${year}.docx`
          })
        )
        .send(await compiledDocx(input))
    }
  )

  app.get(
    '/aggregates/:code',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getAggregateSeries',
        tags: ['aggregates'],
        summary: 'The aggregate of a division for each year from `from` to `to`',
        params: SeriesParams,
        querystring: SeriesQuery,
        response: { 200: AggregateSeries, 304: NotModified }
      }
    },
    async (request, reply) => {
      const { code } = request.params
      const { from, to } = request.query
      if (from > to) throw validationError([{ in: 'query', pointer: '/from', message: `must not be after to (${to})` }])
      if (to - from + 1 > MAX_SPAN_YEARS) {
        throw validationError([
          { in: 'query', pointer: '/to', message: `the span may cover at most ${MAX_SPAN_YEARS} years` }
        ])
      }
      const scope = scopeOf(code)
      const statuses = statusesOf(request, code, request.query.status)
      return cached(request, reply, () => {
        const rows = rollups.read([code], from, to)
        const items = []
        for (let year = from; year <= to; year++) {
          const { statuses: _, ...sums } = body(
            rows.filter((r) => r.year === year),
            code,
            statuses
          )
          items.push({ year, ...sums })
        }
        return { scope, statuses, items }
      })
    }
  )

  app.get(
    '/coverage/:code/:year',
    {
      config: { visibility: true },
      schema: {
        operationId: 'getCoverage',
        tags: ['aggregates'],
        summary: 'Every township expected to report, with its state, first submission and on-time flag',
        params: AggregateParams,
        querystring: CoverageQuery,
        response: { 200: CoverageList, 304: NotModified }
      }
    },
    async (request, reply) => {
      const { code, year } = request.params
      const { state, limit, cursor } = request.query
      const scope = scopeOf(code)
      const after = cursor ? decodeCursor(cursor, ['string'] as const)[0] : undefined
      const { visibility } = request
      const compute = () => {
        const page = coverage.page(code, year, state, limit, after, visibility)
        const overrides = deadlines.overrides(year)
        const fallback = defaultDeadline(year)
        return {
          scope,
          year,
          counts: coverageOf(rollups.read([code], year, year), divisions.townshipsUnder(code)),
          items: page.rows.map((row) => ({
            code: row.code,
            name: row.name,
            districtCode: row.districtCode ?? '',
            state: row.status ?? ('missing' as const),
            template: row.template,
            revision: row.revision,
            submittedAt: row.firstSubmittedAt ? toBeijingIso(row.firstSubmittedAt) : null,
            onTime: row.timeliness === 'on_time' ? true : row.timeliness === 'late' ? false : null,
            deadline: overrides.get(row.districtCode ?? '') ?? fallback
          })),
          nextCursor: page.next ? encodeCursor([page.next]) : null
        }
      }
      return cached(request, reply, compute, { visibility })
    }
  )

  app.get(
    '/deadlines/:code/:year',
    {
      schema: {
        operationId: 'getDeadline',
        tags: ['aggregates'],
        summary: 'The deadline in force for a district and year',
        params: DeadlineParams,
        response: { 200: DeadlineResult }
      }
    },
    async (request) => {
      const { code, year } = request.params
      if (divisions.get(code)?.level !== 'district') throw new DivisionNotFound(code)
      const deadline = deadlines.effective(code, year)
      return {
        code,
        year,
        date: deadline.date,
        source: deadline.source,
        setAt: deadline.setAt ? toBeijingIso(deadline.setAt) : null
      }
    }
  )

  app.put(
    '/deadlines/:code/:year',
    {
      config: {
        access: { roles: ['district', 'admin'], scope: requestValue('params', 'code') }
      },
      bodyLimit: 1024,
      schema: {
        operationId: 'setDeadline',
        tags: ['aggregates'],
        summary: 'Set a district’s deadline for a report year',
        description:
          'Applies to every township under the district; the on-time flag of every report already submitted is ' +
          'judged again. ' +
          'The default is 31 January of year + 1; the whole deadline day counts, Beijing time.',
        params: DeadlineParams,
        body: DeadlineBody,
        response: { 200: DeadlineResult }
      }
    },
    async (request) => {
      const { code, year } = request.params
      if (divisions.get(code)?.level !== 'district') throw new DivisionNotFound(code)
      const { date } = request.body
      if (date < `${year + 1}-01-01`) {
        throw validationError([
          { in: 'body', pointer: '/date', message: `must be after the report year (from ${year + 1}-01-01)` }
        ])
      }
      const at = app.now()
      const { changed } = deadlines.set(code, year, date, request.requestContext(), at)
      return { code, year, date, source: 'district' as const, setAt: toBeijingIso(at), changed }
    }
  )
}

export default aggregateRoutes

// Import of a published report: the page's text or HTML in, the canonical report out, with what
// was detected, what could not be read, and the rules' verdict; ?commit=true stores it as a draft.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { completeImport, YEAR_SOURCES } from '../domain/import/index.js'
import type { Report } from '../domain/report.js'
import { ImportBusy, ImportUnreadable, RateLimited, validationError } from '../errors.js'
import { requestValue } from '../plugins/auth.js'
import { problemResponse } from '../plugins/errors.js'
import { TownshipCode, Year } from '../schemas/common.js'
import { Evaluation, SubmissionResult } from '../schemas/reports.js'
import { TemplateId } from '../schemas/templates.js'
import { createPageReader, PageNotRead, type PageReaderOptions } from '../services/page-reader.js'
import { createSubmissions } from '../services/submissions.js'
import { workflow } from './present.js'
const BODY_LIMIT = 2 * 1024 * 1024

const ImportQuery = Type.Object(
  {
    unit: Type.Optional({
      ...TownshipCode,
      description: 'The unit, if the page does not name it clearly (overrides detection)'
    }),
    year: Type.Optional({ ...Year, description: 'The report year, overriding the title' }),
    commit: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Store the result as a draft (needs a token covering the unit, and ?unit=)'
      })
    )
  },
  { additionalProperties: false }
)

const ImportResult = Type.Object({
  report: Type.Object(
    {},
    {
      additionalProperties: true,
      description: 'The canonical report (status draft); unit or year absent when undetected'
    }
  ),
  detected: Type.Object({
    template: TemplateId,
    year: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The report year, from the most reliable place that states it'
    }),
    yearSource: Type.Union([Type.Enum([...YEAR_SOURCES]), Type.Null()], {
      description:
        'Where the year came from: ?year=, the title, the statistical period (统计期限), the file name (CLI), or the ' +
        'document date minus one; ' +
        'a place that disagrees is noted in parse.notes'
    }),
    organ: Type.Union([Type.String(), Type.Null()]),
    organDivision: Type.Optional(
      Type.Object(
        {
          name: Type.String(),
          level: Type.Enum(['province', 'city', 'district', 'department']),
          candidates: Type.Array(Type.String(), { description: 'The division codes the organ belongs to, best first' })
        },
        {
          description: 'Present when the organ is not a township (a county-level or higher government, or a department)'
        }
      )
    ),
    unit: Type.Optional(Type.String()),
    candidates: Type.Optional(Type.Array(Type.String(), { description: 'Townships the organ fits equally well' }))
  }),
  parse: Type.Object({
    cellsFound: Type.Integer(),
    cellsExpected: Type.Integer(),
    notFound: Type.Array(Type.String(), { description: 'Cell codes not read: null in the report' }),
    notes: Type.Array(Type.String())
  }),
  validation: Type.Object(
    {
      ...Evaluation.properties,
      skipped: Type.Array(
        Type.Object({ rule: Type.String(), skipped: Type.String({ description: 'Why, e.g. "unit unknown"' }) }),
        {
          description:
            'Rules that could not run on what the page says: cross-year and peer rules need the unit and year'
        }
      )
    },
    { description: 'Every rule that can run on what was read, whether or not the unit and year are known' }
  ),
  stored: Type.Optional(SubmissionResult)
})

export interface ImportRouteOptions {
  /** Imports per client address per minute without a token. */
  anonymousLimitPerMinute: number
  reader?: PageReaderOptions
}

const importRoutes: FastifyPluginAsyncTypebox<ImportRouteOptions> = async (app, options) => {
  const submissions = createSubmissions(app.repos, () => app.now())
  const reader = createPageReader(options.reader)
  app.addHook('onClose', () => reader.close())
  // Reading a page costs CPU whoever asks: callers without a token get a budget per address.
  const anonymous = app.createRateLimit({
    max: options.anonymousLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip
  })
  // Pages come as text/plain (their text) or text/html, nothing else (JSON is for other routes).
  app.removeContentTypeParser('application/json')
  for (const type of ['text/plain', 'text/html']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
      done(null, body)
    )
  }

  app.post(
    '/imports',
    {
      bodyLimit: BODY_LIMIT,
      config: {
        access: {
          roles: ['unit', 'district', 'admin'],
          when: (request) => requestValue('query', 'commit')(request) === 'true',
          scope: requestValue('query', 'unit')
        }
      },
      schema: {
        tags: ['imports'],
        summary: 'Read a published report (text or HTML) into a canonical report',
        description:
          'Detects the template from the table headers, reads title, year, organ, document number, date, contact ' +
          'and the prose of parts 一, 五 and 六, finds the unit in the registry, and never guesses a figure: a cell ' +
          'it cannot read is null and listed in parse.notFound. Content types text/plain (the page as text, ' +
          'tables as `cell |` lines) and text/html.',
        querystring: ImportQuery,
        consumes: ['text/plain', 'text/html'],
        body: Type.String({ description: 'The page' }),
        response: {
          200: ImportResult,
          413: problemResponse('The page is over 2 MiB'),
          415: problemResponse('The body is neither text/plain nor text/html'),
          422: problemResponse(
            'No tables of either national template were found, or the page is beyond the bounds of an annual report'
          ),
          429: problemResponse('Too many imports from this address without a token, or too many writes for this token'),
          503: problemResponse('Too many pages are being read at once; Retry-After says when to try again')
        }
      }
    },
    async (request) => {
      if (!request.actor) {
        const limit = await anonymous(request)
        if (!limit.isAllowed && limit.isExceeded) {
          throw Object.assign(
            new RateLimited(`At most ${limit.max} imports a minute from one address without a token`),
            {
              headers: { 'retry-after': String(limit.ttlInSeconds) }
            }
          )
        }
      }
      const kind = request.headers['content-type']?.startsWith('text/html') ? 'html' : 'text'
      const { unit, year, commit } = request.query
      if (commit && !unit)
        throw validationError([{ in: 'query', pointer: '/unit', message: 'is required with commit=true' }])
      if (unit) submissions.requireTownship(unit)
      let reading
      try {
        reading = await reader.read(request.body, kind)
      } catch (error) {
        if (!(error instanceof PageNotRead)) throw error
        if (error.kind === 'busy')
          throw Object.assign(new ImportBusy(error.message), { headers: { 'retry-after': '1' } })
        throw new ImportUnreadable(error.message)
      }
      const result = completeImport(reading, app.repos.divisions, { unit, year })
      const { report } = result
      const complete = report.unit !== undefined && report.year !== undefined ? (report as Report) : undefined
      if (complete) submissions.checkYear(complete.year, 'query')
      const validation = submissions.evaluatePage(result)
      if (!commit || !complete) return { ...result, validation }
      const stored = submissions.submit(complete, { context: request.requestContext() })
      return {
        ...result,
        validation,
        stored: {
          ...workflow(stored.head),
          template: stored.template,
          unchanged: stored.unchanged,
          errors: stored.errors,
          warnings: stored.warnings
        }
      }
    }
  )
}

export default importRoutes

// Import of a published report: its text, HTML, PDF or Word file in, the canonical report out, with what
// was detected, what could not be read, and the rules' verdict; ?commit=true stores it as a draft.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  LEGACY_ADVICE,
  LEGACY_MEDIA_TYPES,
  MEDIA_TYPES,
  PAGE_FORMATS,
  sniff,
  type PageFormat
} from '../domain/import/formats.js'
import { completeImport, YEAR_SOURCES } from '../domain/import/index.js'
import type { Report } from '../domain/report.js'
import { ImportBusy, ImportUnreadable, RateLimited, UnsupportedMediaType, validationError } from '../errors.js'
import { requestValue } from '../plugins/auth.js'
import { problemResponse } from '../plugins/errors.js'
import { TownshipCode, Year } from '../schemas/common.js'
import { Evaluation, SubmissionResult } from '../schemas/reports.js'
import { TemplateId } from '../schemas/templates.js'
import { createPageReader, PageNotRead, type PageReaderOptions } from '../services/page-reader.js'
import { createSubmissions } from '../services/submissions.js'
import { workflow } from './present.js'
/** A page as text or HTML. */
const BODY_LIMIT = 2 * 1024 * 1024
/** A PDF or Word file (an annual report's is well under 1 MB; scans and embedded fonts make some larger). */
const FILE_LIMIT = 10 * 1024 * 1024

const BinaryFile = Type.String({
  format: 'binary',
  description: 'A PDF (with a text layer) or a Word .docx file, at most 10 MiB; told by its first bytes'
})

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
    format: Type.Enum([...PAGE_FORMATS], {
      description: 'The form the report came in: text, html, pdf or docx (a file is told by its first bytes)'
    }),
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

/**
 * What the body is: text and HTML by their media type; a file by its first bytes (a PDF, or a
 * zip for a .docx), whatever type it was sent as, so that a mislabelled file is read for what it
 * is; a legacy OLE file (.doc, .wps) is a 415 with how to convert it.
 */
function formatOf(contentType: string, body: string | Buffer): { input: string | Uint8Array; format: PageFormat } {
  if (typeof body === 'string') return { input: body, format: contentType.startsWith('text/html') ? 'html' : 'text' }
  const format = sniff(body)
  if (format === 'pdf' || format === 'docx') return { input: body, format }
  if (format === 'legacy') throw new UnsupportedMediaType(LEGACY_ADVICE)
  throw new UnsupportedMediaType(
    `The body is not a PDF (it does not start with %PDF-) nor a Word document (.docx, a zip); ` +
      `send pages as ${MEDIA_TYPES.text} or ${MEDIA_TYPES.html}`
  )
}

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
  // Pages come as text/plain (their text) or text/html; files as PDF or Word (.docx), or as
  // application/octet-stream, told by their first bytes. Nothing else (JSON is for other routes).
  app.removeContentTypeParser('application/json')
  for (const type of [MEDIA_TYPES.text, MEDIA_TYPES.html]) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
      done(null, body)
    )
  }
  for (const type of [MEDIA_TYPES.pdf, MEDIA_TYPES.docx, 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: FILE_LIMIT }, (_request, body, done) =>
      done(null, body)
    )
  }
  // Legacy Word and WPS files: a 415 that says how to convert them, before their bytes are read.
  for (const type of LEGACY_MEDIA_TYPES) {
    app.addContentTypeParser(type, (_request, _payload, done) => done(new UnsupportedMediaType(LEGACY_ADVICE)))
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
        operationId: 'importReport',
        tags: ['imports'],
        summary: 'Read a published report (text, HTML, PDF or Word) into a canonical report',
        description:
          'Detects the template from the table headers, reads title, year, organ, document number, date, contact ' +
          'and the prose of parts 一, 五 and 六, finds the unit in the registry, and never guesses a figure: a cell ' +
          'it cannot read is null and listed in parse.notFound. Pages as text/plain (any layout HTML-to-text ' +
          'tools or pdftotext -layout leave) or text/html, at most 2 MiB; files as application/pdf (with a text ' +
          'layer), Word .docx or application/octet-stream, at most 10 MiB, told by their first bytes. Legacy .doc ' +
          'and .wps files get a 415 saying how to convert them. detected.format says how the body was read.',
        querystring: ImportQuery,
        consumes: [MEDIA_TYPES.text, MEDIA_TYPES.html, MEDIA_TYPES.pdf, MEDIA_TYPES.docx, 'application/octet-stream'],
        // One schema per media type: Fastify validates a body by the one of its type.
        body: {
          content: {
            [MEDIA_TYPES.text]: { schema: Type.String({ description: 'The page as text (any layout)' }) },
            [MEDIA_TYPES.html]: { schema: Type.String({ description: 'The page as HTML' }) },
            [MEDIA_TYPES.pdf]: { schema: BinaryFile },
            [MEDIA_TYPES.docx]: { schema: BinaryFile },
            'application/octet-stream': { schema: BinaryFile }
          }
        },
        response: {
          200: ImportResult,
          413: problemResponse('The page is over 2 MiB, or the file over 10 MiB'),
          415: problemResponse(
            'The body is none of text/plain, text/html, a PDF or a .docx; a legacy .doc or .wps file is refused ' +
              'with how to convert it'
          ),
          422: problemResponse(
            'No tables of either national template were found, the page is beyond the bounds of an annual report, ' +
              'or a PDF has no text layer (a scan)'
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
      // The body is a string or bytes by the parser of its media type (a schema per type above).
      const { input, format } = formatOf(request.headers['content-type'] ?? '', request.body as string | Buffer)
      const { unit, year, commit } = request.query
      if (commit && !unit)
        throw validationError([{ in: 'query', pointer: '/unit', message: 'is required with commit=true' }])
      if (unit) submissions.requireTownship(unit)
      let reading
      try {
        reading = await reader.read(input, format)
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
      const stored = await app.writer.submit(complete, { context: request.requestContext(), at: app.now() })
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

// Bulk exports of submitted and accepted reports: cells.csv (long), reports.csv (wide),
// reports.ndjson and reports.xlsx (a sheet per table). Streamed a page of reports at a time
// (services/export-chunks.ts), so that an export of the whole country neither fills memory nor
// stalls the service: the whole country is read in a worker thread with its own connection and
// heap, a smaller scope in the request's thread, yielding to other requests between pages.
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { PUBLIC_STATUSES } from '../domain/report.js'
import { Binary, DivisionCode, Year } from '../schemas/common.js'
import { exportChunks, type ExportKind, type ExportQuery as Query } from '../services/export-chunks.js'
import { chunksFromWorker } from '../services/export-worker.js'

const ExportQuery = Type.Object(
  {
    year: Type.Optional(Year),
    under: Type.Optional({ ...DivisionCode, description: 'Only the townships under this division' }),
    status: Type.Optional(
      Type.Enum(PUBLIC_STATUSES, {
        description: 'Default: both (exports hold public reports only)',
        errorMessage: `must be ${PUBLIC_STATUSES.join(' or ')}`
      })
    )
  },
  { additionalProperties: false }
)
const WideQuery = Type.Object(
  {
    ...ExportQuery.properties,
    labels: Type.Optional(
      Type.Enum(['code', 'zh'], { description: 'Column headers: cell codes (default) or Chinese labels' })
    )
  },
  { additionalProperties: false }
)

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const TYPES: Record<ExportKind, string> = {
  'cells.csv': 'text/csv; charset=utf-8',
  'reports.csv': 'text/csv; charset=utf-8',
  'reports.ndjson': 'application/x-ndjson; charset=utf-8',
  'reports.xlsx': XLSX
}

const csvResponse = { 200: Type.String({ description: 'CSV (RFC 4180, UTF-8 with BOM), streamed' }) }

const exportRoutes: FastifyPluginAsyncTypebox<{ databasePath: string }> = async (app, { databasePath }) => {
  const { exports } = app.repos

  /**
   * Sends an export as a stream that holds at most one chunk ahead of the socket. Its chunks are
   * strings or Buffers as they come (an object stream passes them on unconverted), so that the
   * text is encoded by the socket's write and freed with it.
   */
  function send(reply: FastifyReply, kind: ExportKind, query: Query) {
    // The whole country: millions of records, read where their garbage cannot grow the server's
    // heap (a province's 45 MB leaves it flat; a worker's start would cost it a third of its
    // speed). An in-memory database (tests) has no second connection to offer.
    const large = query.under === undefined && databasePath !== ':memory:'
    const chunks = large ? chunksFromWorker(databasePath, kind, query) : exportChunks(exports, kind, query)
    return reply
      .type(TYPES[kind])
      .header('content-disposition', `attachment; filename="${kind}"`)
      .send(Readable.from(chunks, { objectMode: true, highWaterMark: 1 }))
  }

  app.get(
    '/exports/cells.csv',
    {
      schema: {
        operationId: 'exportCellsCsv',
        tags: ['exports'],
        summary:
          'Long CSV: one row per cell of every report (unit, district, year, template, status, revision, cell, ' +
          'label, value)',
        querystring: ExportQuery,
        produces: ['text/csv'],
        response: csvResponse
      }
    },
    async (request, reply) => send(reply, 'cells.csv', request.query)
  )

  app.get(
    '/exports/reports.csv',
    {
      schema: {
        operationId: 'exportReportsCsv',
        tags: ['exports'],
        summary: 'Wide CSV: one row per report, one column per cell code of either template',
        querystring: WideQuery,
        produces: ['text/csv'],
        response: csvResponse
      }
    },
    async (request, reply) => send(reply, 'reports.csv', request.query)
  )

  app.get(
    '/exports/reports.ndjson',
    {
      schema: {
        operationId: 'exportReportsNdjson',
        tags: ['exports'],
        summary: 'One canonical report per line (NDJSON), with its revision and status',
        querystring: ExportQuery,
        produces: ['application/x-ndjson'],
        response: { 200: Type.String({ description: 'Newline-delimited JSON, streamed' }) }
      }
    },
    async (request, reply) => send(reply, 'reports.ndjson', request.query)
  )

  app.get(
    '/exports/reports.xlsx',
    {
      schema: {
        operationId: 'exportReportsXlsx',
        tags: ['exports'],
        summary: 'Excel workbook: a sheet per table (二, 三, 四) and template, one row per report',
        description:
          'One column per cell under the form’s Chinese headings (merged as on the form), the header rows and ' +
          'the unit’s code and name frozen, numbers as numbers (a blank cell stays blank), a 汇总 row of SUM ' +
          'formulas, and a sheet 列说明 describing every column. gb2019 and gb2021 reports go to separate ' +
          'sheets. Streamed.',
        querystring: ExportQuery,
        produces: [XLSX],
        response: { 200: Binary('An Excel workbook (Office Open XML), streamed') }
      }
    },
    async (request, reply) => send(reply, 'reports.xlsx', request.query)
  )
}

export default exportRoutes

// Bulk exports of submitted and accepted reports: cells.csv (long), reports.csv (wide) and
// reports.ndjson. Streamed page by page from the database, yielding to other requests between
// pages, so that an export of the whole country neither fills memory nor stalls the service.
import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { stringify } from 'csv-stringify/sync'
import { Type } from 'typebox'
import type { ExportsRepository } from '../db/repositories/export-pages.js'
import { DEFAULT_STATUSES } from '../domain/aggregate.js'
import { PUBLIC_STATUSES, type PublicStatus, type ReportStatus } from '../domain/report.js'
import { ALL_CELLS, TEMPLATES } from '../domain/templates.js'
import { toBeijingIso } from '../domain/time.js'
import { DivisionCode, Year } from '../schemas/common.js'

/** Reports per page: small enough that what an export allocates dies young, large enough to amortise a query. */
const PAGE = 200

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

type Filter = { year?: number | undefined; under?: string | undefined; status?: PublicStatus | undefined }
type Row = ReturnType<ExportsRepository['page']>['rows'][number]

/** Every report of the filter, a page at a time, with a turn of the event loop between pages. */
async function* pages(exports: ExportsRepository, filter: Filter, withBody: boolean): AsyncGenerator<Row[]> {
  const statuses: ReportStatus[] = filter.status ? [filter.status] : DEFAULT_STATUSES
  let after: { year: number; unit: string } | undefined
  for (;;) {
    const page = exports.page({ year: filter.year, under: filter.under, statuses }, after, PAGE, withBody)
    if (page.rows.length > 0) yield page.rows
    if (!page.next) return
    after = page.next
    await nextTurn()
  }
}

const IDENTITY = [
  ['unit', '单位代码'],
  ['unitName', '单位名称'],
  ['districtCode', '所属区县代码'],
  ['districtName', '所属区县'],
  ['year', '年度'],
  ['template', '报告格式'],
  ['status', '状态'],
  ['revision', '版本'],
  ['submittedAt', '首次提交时间'],
  ['onTime', '是否按时']
] as const

/** The identity columns of a report, in the order of IDENTITY. */
function identity(row: Row): unknown[] {
  const { head } = row
  return [
    head.unitCode,
    row.unitName,
    row.districtCode,
    row.districtName,
    head.year,
    head.template,
    head.status,
    head.currentRevision,
    head.firstSubmittedAt ? toBeijingIso(head.firstSubmittedAt) : '',
    head.timeliness === 'none' ? '' : head.timeliness === 'on_time'
  ]
}

/** A byte stream that buffers at most one chunk ahead of the socket. */
const streamOf = (chunks: AsyncIterable<Buffer>) => Readable.from(chunks, { objectMode: false, highWaterMark: 1 })

function sendStream(reply: FastifyReply, contentType: string, name: string, stream: NodeJS.ReadableStream) {
  return reply.type(contentType).header('content-disposition', `attachment; filename="${name}"`).send(stream)
}

/**
 * RFC 4180 with CRLF, UTF-8 with a BOM so that Excel and WPS read the Chinese correctly. Each
 * group of records (one report's cells, or a page of reports) becomes one chunk of a few dozen
 * KB: the stream holds a chunk ahead of the socket, and what it allocates dies young.
 */
function sendCsv(reply: FastifyReply, name: string, header: string[], groups: AsyncIterable<unknown[][]>) {
  async function* chunks() {
    let first = true
    for await (const records of groups) {
      // Records are arrays, not objects: a national cells.csv has eight million of them.
      const rows = first ? [header, ...records] : records
      yield Buffer.from(
        stringify(rows, { bom: first, record_delimiter: 'windows', cast: { boolean: (b) => String(b) } })
      )
      first = false
    }
    if (first) yield Buffer.from(stringify([header], { bom: true, record_delimiter: 'windows' }))
  }
  return sendStream(reply, 'text/csv; charset=utf-8', name, streamOf(chunks()))
}

const csvResponse = { 200: Type.String({ description: 'CSV (RFC 4180, UTF-8 with BOM), streamed' }) }

const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { exports } = app.repos

  app.get(
    '/exports/cells.csv',
    {
      schema: {
        tags: ['exports'],
        summary:
          'Long CSV: one row per cell of every report (unit, district, year, template, status, revision, cell, ' +
          'label, value)',
        querystring: ExportQuery,
        produces: ['text/csv'],
        response: csvResponse
      }
    },
    async (request, reply) => {
      const header = [...IDENTITY.slice(0, 8).map(([key]) => key), 'cell', 'label', 'value']
      async function* records() {
        for await (const rows of pages(exports, request.query, false)) {
          for (const row of rows) {
            const base = identity(row).slice(0, 8)
            const cells = row.cells as unknown as Record<string, number | null>
            yield TEMPLATES[row.head.template].cells.map((cell) => [
              ...base,
              cell.code,
              cell.zh,
              cells[cell.code] ?? ''
            ])
          }
        }
      }
      return sendCsv(reply, 'cells.csv', header, records())
    }
  )

  app.get(
    '/exports/reports.csv',
    {
      schema: {
        tags: ['exports'],
        summary: 'Wide CSV: one row per report, one column per cell code of either template',
        querystring: WideQuery,
        produces: ['text/csv'],
        response: csvResponse
      }
    },
    async (request, reply) => {
      const zh = request.query.labels === 'zh'
      const header = [
        ...IDENTITY.map(([key, label]) => (zh ? label : key)),
        ...ALL_CELLS.map((cell) => (zh ? cell.zh : cell.code))
      ]
      async function* records() {
        for await (const rows of pages(exports, request.query, false)) {
          yield rows.map((row) => {
            const cells = row.cells as unknown as Record<string, number | null>
            return [...identity(row), ...ALL_CELLS.map((cell) => cells[cell.code] ?? '')]
          })
        }
      }
      return sendCsv(reply, 'reports.csv', header, records())
    }
  )

  app.get(
    '/exports/reports.ndjson',
    {
      schema: {
        tags: ['exports'],
        summary: 'One canonical report per line (NDJSON), with its revision and status',
        querystring: ExportQuery,
        produces: ['application/x-ndjson'],
        response: { 200: Type.String({ description: 'Newline-delimited JSON, streamed' }) }
      }
    },
    async (request, reply) => {
      async function* lines() {
        for await (const rows of pages(exports, request.query, true)) {
          let chunk = ''
          for (const row of rows) {
            chunk +=
              JSON.stringify({ ...(row.body as object), status: row.head.status, revision: row.head.currentRevision }) +
              '\n'
          }
          yield Buffer.from(chunk)
        }
      }
      return sendStream(reply, 'application/x-ndjson; charset=utf-8', 'reports.ndjson', streamOf(lines()))
    }
  )
}

export default exportRoutes

// The bytes of the bulk exports (cells.csv, reports.csv, reports.ndjson, reports.xlsx), chunk by
// chunk, read a page of reports at a time: run in the request's thread for a small scope, and in
// a worker thread of its own for a large one (src/workers/export.ts).
import { setImmediate as nextTurn } from 'node:timers/promises'
import { stringify } from 'csv-stringify/sync'
import type { ExportFilter, ExportsRepository } from '../db/repositories/export-pages.js'
import { DEFAULT_STATUSES } from '../domain/aggregate.js'
import type { PublicStatus } from '../domain/report.js'
import { ALL_CELLS, TEMPLATES } from '../domain/templates.js'
import { toBeijingIso } from '../domain/time.js'

/** Reports per page: small enough that what an export allocates dies young, large enough to amortise a query. */
const PAGE = 200

export type Filter = { year?: number | undefined; under?: string | undefined; status?: PublicStatus | undefined }
export type Row = ReturnType<ExportsRepository['page']>['rows'][number]

/** The repository's filter of an export's query: both public statuses unless one is asked for. */
export const exportFilter = (query: Filter): ExportFilter => ({
  year: query.year,
  under: query.under,
  statuses: query.status ? [query.status] : DEFAULT_STATUSES
})

/** Every report of the filter, a page at a time, with a turn of the event loop between pages. */
export async function* pages(
  exports: ExportsRepository,
  filter: ExportFilter,
  withBody: boolean
): AsyncGenerator<Row[]> {
  let after: { year: number; unit: string } | undefined
  for (;;) {
    const page = exports.page(filter, after, PAGE, withBody)
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

/**
 * A chunk of an export: text (CSV, NDJSON) stays a string until the socket encodes it as UTF-8,
 * so that no buffer outlives its write waiting for the collector (a national cells.csv is 1.5 GB
 * of them); a workbook's zip is bytes.
 */
export type Chunk = string | Buffer

/**
 * RFC 4180 with CRLF, UTF-8 with a BOM so that Excel and WPS read the Chinese correctly. Each
 * group of records (one report's cells, or a page of reports) becomes one chunk of a few dozen
 * KB: the stream holds a chunk ahead of the socket, and what it allocates dies young.
 */
async function* csvChunks(header: string[], groups: AsyncIterable<unknown[][]>): AsyncGenerator<string> {
  let first = true
  for await (const records of groups) {
    // Records are arrays, not objects: a national cells.csv has eight million of them.
    const rows = first ? [header, ...records] : records
    yield stringify(rows, { bom: first, record_delimiter: 'windows', cast: { boolean: (b) => String(b) } })
    first = false
  }
  if (first) yield stringify([header], { bom: true, record_delimiter: 'windows' })
}

/** cells.csv: one row per cell of every report. */
async function* cellsCsv(exports: ExportsRepository, query: Filter): AsyncGenerator<string> {
  const header = [...IDENTITY.slice(0, 8).map(([key]) => key), 'cell', 'label', 'value']
  async function* records() {
    for await (const rows of pages(exports, exportFilter(query), false)) {
      for (const row of rows) {
        const base = identity(row).slice(0, 8)
        const cells = row.cells
        yield TEMPLATES[row.head.template].cells.map((cell) => [...base, cell.code, cell.zh, cells[cell.code] ?? ''])
      }
    }
  }
  yield* csvChunks(header, records())
}

/** reports.csv: one row per report, one column per cell code of either template. */
async function* reportsCsv(exports: ExportsRepository, query: Filter & { labels?: 'code' | 'zh' | undefined }) {
  const zh = query.labels === 'zh'
  const header = [
    ...IDENTITY.map(([key, label]) => (zh ? label : key)),
    ...ALL_CELLS.map((cell) => (zh ? cell.zh : cell.code))
  ]
  async function* records() {
    for await (const rows of pages(exports, exportFilter(query), false)) {
      yield rows.map((row) => {
        const cells = row.cells
        return [...identity(row), ...ALL_CELLS.map((cell) => cells[cell.code] ?? '')]
      })
    }
  }
  yield* csvChunks(header, records())
}

/** reports.ndjson: one canonical report per line, with its revision and status. */
async function* reportsNdjson(exports: ExportsRepository, query: Filter): AsyncGenerator<string> {
  for await (const rows of pages(exports, exportFilter(query), true)) {
    let chunk = ''
    for (const row of rows)
      chunk +=
        JSON.stringify({ ...(row.body as object), status: row.head.status, revision: row.head.currentRevision }) + '\n'
    yield chunk
  }
}

/** reports.xlsx (services/export-xlsx.ts), loaded by the first workbook asked for. */
async function* reportsXlsx(exports: ExportsRepository, query: Filter): AsyncGenerator<Buffer> {
  const { xlsxChunks } = await import('./export-xlsx.js')
  yield* xlsxChunks(exports, query)
}

export type ExportKind = 'cells.csv' | 'reports.csv' | 'reports.ndjson' | 'reports.xlsx'
export type ExportQuery = Filter & { labels?: 'code' | 'zh' | undefined }

/** The bytes of an export, chunk by chunk. */
export function exportChunks(exports: ExportsRepository, kind: ExportKind, query: ExportQuery): AsyncGenerator<Chunk> {
  if (kind === 'cells.csv') return cellsCsv(exports, query)
  if (kind === 'reports.csv') return reportsCsv(exports, query)
  if (kind === 'reports.xlsx') return reportsXlsx(exports, query)
  return reportsNdjson(exports, query)
}

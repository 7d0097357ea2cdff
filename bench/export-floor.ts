// The yardstick of the `growth` exports: a bare Node server that streams one year's cells.csv the
// plainest way, one SELECT … WHERE year = ? ORDER BY unit_code iterated without paging, written
// with csv-stringify to the socket with back-pressure. The same rows, joins and bytes as the
// service's export, none of its machinery. `DATABASE_PATH=… PORT=… node --import tsx bench/export-floor.ts`
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import Database from 'better-sqlite3'
import { stringify } from 'csv-stringify'
import { TEMPLATES, type TemplateId } from '../src/domain/templates.js'

const db = new Database(process.env.DATABASE_PATH, { readonly: true })
const statement = db.prepare(
  `SELECT r.unit_code, d.name AS unit_name, p.code AS district_code, p.name AS district_name,
          r.year, r.template, r.status, r.current_revision, c.*
   FROM reports r JOIN divisions d ON d.code = r.unit_code JOIN divisions p ON p.code = d.parent_code
   JOIN current_cells c ON c.report_id = r.id
   WHERE r.year = ? AND r.status IN ('submitted', 'accepted') ORDER BY r.unit_code`
)
const header = [
  'unit',
  'unitName',
  'districtCode',
  'districtName',
  'year',
  'template',
  'status',
  'revision',
  'cell',
  'label',
  'value'
]

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.url === '/ready') {
    response.writeHead(200).end('ok')
    return
  }
  const year = Number(new URL(request.url!, 'http://x').searchParams.get('year'))
  if (!year) {
    response.writeHead(404).end()
    return
  }
  response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' })
  const csv = stringify({ bom: true, record_delimiter: 'windows' })
  csv.pipe(response)
  csv.write(header)
  for (const row of statement.iterate(year) as Iterable<Record<string, string | number | null>>) {
    const base = [
      row.unit_code,
      row.unit_name,
      row.district_code,
      row.district_name,
      row.year,
      row.template,
      row.status,
      row.current_revision
    ]
    for (const cell of TEMPLATES[row.template as TemplateId].cells) {
      if (!csv.write([...base, cell.code, cell.zh, row[cell.code] ?? '']))
        await new Promise((resolve) => csv.once('drain', resolve))
    }
  }
  csv.end()
}

const server = createServer((request, response) => void serve(request, response))
server.listen(Number(process.env.PORT ?? 3904), '127.0.0.1')

// A township system's client, as its developers would write it: types generated from the
// published OpenAPI document by openapi-typescript, calls made with openapi-fetch. No casts, no
// non-null assertions: what the document says is what the compiler checks.
import createClient from 'openapi-fetch'
import type { components, paths } from './generated/schema.js'

export type Submission =
  components['schemas']['ReportSubmissionGb2019'] | components['schemas']['ReportSubmissionGb2021']

export interface Walkthrough {
  revision: number
  etag: string
  notModified: number
  status: string
  received: number
  expected: number
  missing: number
  firstMissing: string
}

/** Submits a report, reads it back (and again with its ETag), reads its district's aggregate and coverage. */
export async function walkthrough(baseUrl: string, token: string, report: Submission): Promise<Walkthrough> {
  const client = createClient<paths>({ baseUrl })
  const where = { path: { unit: report.unit ?? '', year: report.year ?? 0 } }
  const put = await client.PUT('/v1/reports/{unit}/{year}', {
    params: where,
    body: report,
    headers: { authorization: `Bearer ${token}` }
  })
  if (put.error) throw new Error(`PUT: ${put.error.title} ${JSON.stringify(put.error.errors ?? [])}`)

  const read = await client.GET('/v1/reports/{unit}/{year}', { params: where })
  if (read.error) throw new Error(`GET: ${read.error.title}`)
  const etag = read.response.headers.get('etag') ?? ''
  const again = await client.GET('/v1/reports/{unit}/{year}', {
    params: { ...where, header: { 'if-none-match': etag } }
  })

  const district = report.unit?.slice(0, 6) ?? ''
  const aggregate = await client.GET('/v1/aggregates/{code}/{year}', {
    params: { path: { code: district, year: read.data.year } }
  })
  if (aggregate.error) throw new Error(`aggregate: ${aggregate.error.title}`)
  // The aggregate of one division or, with groupBy=child, of its children: told apart by shape.
  if (!('coverage' in aggregate.data)) throw new Error('expected the sums of the district itself')
  const coverage = await client.GET('/v1/coverage/{code}/{year}', {
    params: { path: { code: district, year: read.data.year }, query: { state: 'missing' } }
  })
  if (coverage.error) throw new Error(`coverage: ${coverage.error.title}`)

  return {
    revision: read.data.revision,
    etag,
    notModified: again.response.status,
    status: read.data.status,
    received: aggregate.data.requests.received.total,
    expected: aggregate.data.coverage.expected,
    missing: coverage.data.counts.missing,
    firstMissing: coverage.data.items[0]?.code ?? ''
  }
}

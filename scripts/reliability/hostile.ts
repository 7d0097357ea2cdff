// Hostile input: a generated corpus (fast-check, seeded) of malformed requests across every
// writing endpoint and every query string, plus hand-written cases. Each must be answered below
// 500, every refusal as a problem (application/problem+json), and the database must be exactly
// as before. `node --import tsx scripts/reliability/hostile.ts [count]` (10,000 by default).
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Report } from '../../src/domain/report.js'
import { sampleReport, seededRandom } from '../../src/domain/sample-report.js'
import { TEMPLATES } from '../../src/domain/templates.js'
import { importBombs } from './import-bombs.js'

export interface HostileRequest {
  name: string
  method: 'GET' | 'PUT' | 'POST' | 'DELETE'
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
}

const FIXTURE = readFileSync(new URL('../../test/fixtures/fengshi-2020.json', import.meta.url), 'utf8')
const GB2021 = JSON.stringify(
  sampleReport({ unit: '350803101', year: 2021, template: 'gb2021', random: seededRandom(1) })
)

/** Text that must never reach SQL or a log as anything but text. */
const NASTY = [
  "'; DROP TABLE reports; --",
  '" OR 1=1 --',
  '\u0000\u0001\u0007\u001b[31m',
  '\ud800',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%ff',
  '🙂'.repeat(50),
  'A'.repeat(10_000)
]

/** Values no cell accepts (null and integers ≥ 0 are valid, so they are not here). */
const badValue = fc.oneof(
  fc.constantFrom('3', '', 'NaN', 'Infinity', '-0', '１２'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.constantFrom(2 ** 53, 2 ** 60, 1e308),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.constantFrom(...NASTY)
)

/** Each base report with the cells of its own template (a path the report does not have changes nothing). */
const BASES = [
  { body: FIXTURE, paths: TEMPLATES.gb2019.cells.filter((c) => c.type !== 'signedCount').map((c) => c.path) },
  { body: GB2021, paths: TEMPLATES.gb2021.cells.filter((c) => c.type !== 'signedCount').map((c) => c.path) }
]
const basePath = fc
  .constantFrom(...BASES)
  .chain((base) => fc.constantFrom(...base.paths).map((path) => ({ base: base.body, path })))

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) return
    node = node[key] as Record<string, unknown>
  }
  node[path.at(-1)!] = value
}

const deepNesting = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)

/** One invalid change to a valid report body, as JSON text. */
const badReportBody: fc.Arbitrary<{ name: string; body: string }> = fc.oneof(
  fc.tuple(basePath, badValue).map(([{ base, path }, value]) => {
    const report = JSON.parse(base) as Record<string, unknown>
    setPath(report, path, value)
    return { name: `bad value at ${path.join('.')}`, body: JSON.stringify(report) }
  }),
  fc.tuple(basePath, fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue()).map(([{ base, path }, key, value]) => {
    const report = JSON.parse(base) as Record<string, unknown>
    setPath(report, [...path.slice(0, -1), `x${key}`], value)
    return { name: 'unknown field', body: JSON.stringify(report) }
  }),
  fc.constantFrom('proactive', 'requests', 'appeals', 'template').map((key) => {
    const report = JSON.parse(FIXTURE) as Record<string, unknown>
    delete report[key]
    return { name: `missing ${key}`, body: JSON.stringify(report) }
  }),
  fc.tuple(fc.constantFrom(...NASTY), fc.constantFrom('title', 'organ', 'documentNumber')).map(([text, field]) => {
    // Nasty text in a text field, with a rule error that keeps the whole submission refused.
    const report = JSON.parse(FIXTURE) as Report
    ;(report.meta as Record<string, unknown>)[field] = text
    ;(report.appeals.reconsideration as Record<string, number>).total = 99
    return { name: `nasty ${field}, table not adding up`, body: JSON.stringify(report) }
  }),
  fc.constantFrom(
    { name: 'deep nesting', body: FIXTURE.replace('"other": "无"', `"other": ${deepNesting(5000)}`) },
    { name: 'huge array', body: FIXTURE.replace('"other": "无"', `"other": [${'1,'.repeat(100_000)}1]`) },
    { name: 'NaN', body: FIXTURE.replace('"decisions": 334', '"decisions": NaN') },
    { name: 'Infinity literal', body: FIXTURE.replace('"decisions": 334', '"decisions": 1e999') },
    {
      name: 'duplicate key, last invalid',
      body: FIXTURE.replace('"template": "gb2019",', '"template": "gb2019", "template": "gb2030",')
    },
    { name: '__proto__', body: FIXTURE.replace('"meta": {', '"meta": {"__proto__": {"admin": true},') },
    {
      name: 'constructor.prototype',
      body: FIXTURE.replace('"meta": {', '"meta": {"constructor": {"prototype": {"x": 1}},')
    },
    { name: 'truncated JSON', body: FIXTURE.slice(0, 5000) },
    { name: 'empty body', body: '' },
    { name: 'JSON null', body: 'null' },
    { name: 'JSON array', body: `[${FIXTURE}]` },
    { name: 'a year in the body that differs', body: FIXTURE.replace('"year": 2020', '"year": 2019') },
    { name: 'a unit in the body that differs', body: FIXTURE.replace('"unit": "350803109"', '"unit": "350803101"') },
    { name: 'a status no unit may set', body: FIXTURE.replace('"status": "submitted"', '"status": "accepted"') }
  )
)

const junkSegment = fc.oneof(
  fc.constantFrom(
    'abc',
    '%00',
    '..',
    '%2e%2e',
    '0'.repeat(300),
    '350803',
    '99999999',
    '-1',
    '1e3',
    "1' OR '1'='1",
    '%ff%fe',
    '🙂'
  ),
  fc.string({ maxLength: 30 }).map(encodeURIComponent)
)
const queryValue = fc.oneof(
  fc.constantFrom('', '-1', '0', '1e9', 'NaN', 'true', 'x'.repeat(5000), "' OR 1=1 --", '%00', '[]', '{}', '2019,2020'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent)
)
const queryKey = fc.oneof(
  fc.constantFrom(
    'limit',
    'cursor',
    'year',
    'under',
    'status',
    'q',
    'level',
    'from',
    'to',
    'groupBy',
    'state',
    'labels',
    'unit',
    'commit',
    'action',
    'tokenId'
  ),
  fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent)
)

const GET_ROUTES = [
  '/v1/divisions',
  '/v1/divisions/350803/children',
  '/v1/reports',
  '/v1/aggregates/350803/2021',
  '/v1/aggregates/cn',
  '/v1/coverage/350803/2021',
  '/v1/exports/reports.csv',
  '/v1/exports/cells.csv',
  '/v1/exports/reports.ndjson',
  '/v1/audit',
  '/v1/templates/gb2019',
  '/v1/deadlines/350803/2021'
]

/** The corpus: `count` requests from a seeded generator (the same every run) and the hand-written ones. */
export function hostileRequests(
  count: number,
  authorization: string,
  { seed = 20261128, bombs = true } = {}
): HostileRequest[] {
  const auth = { authorization }
  const json = { ...auth, 'content-type': 'application/json' }
  const arbitrary: fc.Arbitrary<HostileRequest> = fc.oneof(
    {
      weight: 5,
      arbitrary: badReportBody.map(({ name, body }) => ({
        name: `PUT report: ${name}`,
        method: 'PUT' as const,
        url: '/v1/reports/350803109/2020',
        headers: json,
        payload: body
      }))
    },
    {
      weight: 2,
      arbitrary: badReportBody.map(({ name, body }) => ({
        name: `validate: ${name}`,
        method: 'POST' as const,
        url: '/v1/validate',
        headers: json,
        payload: body
      }))
    },
    {
      weight: 1,
      arbitrary: fc.tuple(junkSegment, junkSegment).map(([unit, year]) => ({
        name: 'PUT report at a junk path',
        method: 'PUT' as const,
        url: `/v1/reports/${unit}/${year}`,
        headers: json,
        payload: FIXTURE
      }))
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          action: fc.oneof(fc.string(), fc.constantFrom('approve', 'ACCEPT', '')),
          comment: fc.oneof(fc.constant(5), fc.constant('x'.repeat(6000)), fc.constantFrom(...NASTY))
        })
        .map((body) => ({
          name: 'review with a bad body',
          method: 'POST' as const,
          url: '/v1/reports/350803109/2020/review',
          headers: json,
          payload: JSON.stringify(body)
        }))
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom('2022-02-30', '2022/02/15', '15.02.2022', '', '2019-12-31', '20220215'), fc.string())
        .map((date) => ({
          name: 'deadline with a bad date',
          method: 'PUT' as const,
          url: '/v1/deadlines/350803/2021',
          headers: json,
          payload: JSON.stringify({ date })
        }))
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          role: fc.oneof(fc.constantFrom('root', 'unit', 'district', ''), fc.string()),
          scope: fc.oneof(fc.constantFrom('999999', 'abc', '350803', '350803109'), fc.string())
        })
        .map((body) => ({
          name: 'token request with a bad role or scope',
          method: 'POST' as const,
          url: '/v1/tokens',
          headers: json,
          // The two combinations that are valid get an unknown field, so that every request is refused.
          payload: JSON.stringify(
            (body.role === 'unit' && body.scope === '350803109') ||
              (body.role === 'district' && body.scope === '350803')
              ? { ...body, extra: 1 }
              : body
          )
        }))
    },
    {
      weight: 1,
      arbitrary: junkSegment.map((id) => ({
        name: 'revoke a junk token id',
        method: 'DELETE' as const,
        url: `/v1/tokens/${id}`,
        headers: auth
      }))
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            ''
          ),
          fc.constantFrom(FIXTURE, 'a=b', '<x/>')
        )
        .map(([type, payload]) => ({
          name: `PUT report as ${type || 'no content type'}`,
          method: 'PUT' as const,
          url: '/v1/reports/350803109/2020',
          headers: type ? { ...auth, 'content-type': type } : auth,
          payload
        }))
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            '',
            'Bearer',
            'Basic x',
            'Bearer ' + 'a'.repeat(10_000),
            'Bearer t_0123456789abcdef.' + 'A'.repeat(43)
          ),
          fc.string({ maxLength: 60 })
        )
        .map((header) => ({
          name: 'a bad Authorization header',
          method: 'PUT' as const,
          url: '/v1/reports/350803109/2020',
          headers: { authorization: header.replace(/[^\x20-\x7e]/g, '?'), 'content-type': 'application/json' },
          payload: FIXTURE
        }))
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('application/json', 'text/html'), fc.uint8Array({ minLength: 1, maxLength: 2000 }))
        .map(([type, bytes]) => ({
          name: `POST import of random bytes as ${type}`,
          method: 'POST' as const,
          url: '/v1/imports?commit=true&unit=350803109',
          headers: { ...auth, 'content-type': type },
          payload: Buffer.from(bytes)
        }))
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...GET_ROUTES), fc.array(fc.tuple(queryKey, queryValue), { minLength: 1, maxLength: 4 }))
        .map(([route, pairs]) => ({
          name: `GET ${route} with a hostile query`,
          method: 'GET' as const,
          url: `${route}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`,
          headers: {}
        }))
    }
  )
  const generated = fc.sample(arbitrary, { numRuns: count, seed })
  const handWritten: HostileRequest[] = [
    {
      name: 'invalid UTF-8 in a JSON string',
      method: 'PUT',
      url: '/v1/reports/350803109/2020',
      headers: json,
      payload: Buffer.concat([
        Buffer.from(FIXTURE.slice(0, 100)),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(FIXTURE.slice(100))
      ])
    },
    {
      name: 'a body over 1 MiB',
      method: 'PUT',
      url: '/v1/reports/350803109/2020',
      headers: json,
      payload: FIXTURE.replace('"other": "无"', `"other": "${'x'.repeat(1_100_000)}"`)
    },
    {
      name: 'a body of 1 MiB of spaces',
      method: 'POST',
      url: '/v1/validate',
      headers: json,
      payload: ' '.repeat(1024 * 1024 + 10)
    },
    {
      name: 'a submitted report with an error',
      method: 'PUT',
      url: '/v1/reports/350803109/2020',
      headers: json,
      payload: FIXTURE.replace('"upheld": 0', '"upheld": 3')
    },
    {
      name: 'a report for a district',
      method: 'PUT',
      url: '/v1/reports/350803/2020',
      headers: json,
      payload: FIXTURE.replace('"unit": "350803109",', '')
    },
    {
      name: 'a year after this one',
      method: 'PUT',
      url: '/v1/reports/350803109/2099',
      headers: json,
      payload: FIXTURE.replace('"year": 2020,', '')
    },
    {
      name: 'a stale If-Match',
      method: 'PUT',
      url: '/v1/reports/350803109/2020',
      headers: { ...json, 'if-match': '"350803109-2020-r9"' },
      payload: FIXTURE
    },
    {
      name: 'review of a report that does not exist',
      method: 'POST',
      url: '/v1/reports/350803101/2020/review',
      headers: json,
      payload: '{"action":"accept"}'
    }
  ]
  // Anonymous, as a stranger would send them: every one must be refused (or read) quickly and cleanly.
  const importBombRequests: HostileRequest[] = importBombs().map((bomb) => ({
    name: `import bomb: ${bomb.name}`,
    method: 'POST',
    url: '/v1/imports',
    headers: { 'content-type': bomb.contentType },
    payload: bomb.body
  }))
  return [...handWritten, ...(bombs ? importBombRequests : []), ...generated]
}

export interface HostileOutcome {
  cases: number
  serverErrors: Array<{ name: string; status: number; body: string }>
  /** Refusals (4xx) whose body is not a problem document. */
  notProblems: Array<{ name: string; status: number }>
  /** Writing requests that were accepted (2xx): each would change the database. */
  accepted: Array<{ name: string; status: number; url: string }>
  byStatus: Record<number, number>
}

/** Whether a request would change the database if accepted (a check or a preview does not). */
const writes = (request: HostileRequest) =>
  request.method !== 'GET' &&
  request.url !== '/v1/validate' &&
  !(request.url.startsWith('/v1/imports') && !request.url.includes('commit=true'))

/** Sends every request through `app.inject` and sorts the answers. */
export async function runHostile(app: FastifyInstance, requests: readonly HostileRequest[]): Promise<HostileOutcome> {
  const outcome: HostileOutcome = {
    cases: requests.length,
    serverErrors: [],
    notProblems: [],
    accepted: [],
    byStatus: {}
  }
  for (const request of requests) {
    const response = await app.inject({
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(request.payload !== undefined ? { payload: request.payload } : {})
    })
    const status = response.statusCode
    outcome.byStatus[status] = (outcome.byStatus[status] ?? 0) + 1
    if (status >= 500) outcome.serverErrors.push({ name: request.name, status, body: response.body.slice(0, 300) })
    else if (status >= 400 && !String(response.headers['content-type']).startsWith('application/problem+json'))
      outcome.notProblems.push({ name: request.name, status })
    else if (status < 300 && writes(request)) outcome.accepted.push({ name: request.name, status, url: request.url })
  }
  return outcome
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { buildApp } = await import('../../src/app.js')
  const { DEFAULT_CONFIG } = await import('../../src/config.js')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { fingerprint, prepareDatabase } = await import('./database.js')
  const count = Number(process.argv[2] ?? 10_000)
  const dir = mkdtempSync(join(tmpdir(), 'ogi-hostile-'))
  const path = join(dir, 'ogi.sqlite')
  const token = prepareDatabase(path)
  const app = await buildApp({
    ...DEFAULT_CONFIG,
    databasePath: path,
    logLevel: 'silent',
    writeLimitPerMinute: 1e9,
    authFailureLimitPerMinute: 1e9,
    importLimitPerMinute: 1e9
  })
  const before = fingerprint(path)
  const started = performance.now()
  const outcome = await runHostile(app, hostileRequests(count, `Bearer ${token}`))
  await app.close()
  const unchanged = fingerprint(path) === before
  rmSync(dir, { recursive: true, force: true })
  console.log({
    ...outcome,
    serverErrors: outcome.serverErrors.slice(0, 5),
    notProblems: outcome.notProblems.slice(0, 5),
    unchanged,
    seconds: ((performance.now() - started) / 1000).toFixed(1)
  })
  const ok =
    outcome.serverErrors.length === 0 && outcome.notProblems.length === 0 && outcome.accepted.length === 0 && unchanged
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`)
  process.exit(ok ? 0 : 1)
}

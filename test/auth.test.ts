// Access (src/plugins/auth.ts, domain/access.ts), the audit trail and abuse limits: every writing
// route against every kind of caller, the audit entries of a sequence of writes, private drafts,
// limits and headers.
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { asAdmin, build, fengshi, FIXTURES, tokenFor } from './helper.js'

const UNIT = '350803109'
const URL_2020 = `/v1/reports/${UNIT}/2020`

/** Everything a refused request must leave as it was (a token's last-used time aside). */
function fingerprint(databasePath: string): string {
  const db = new Database(databasePath, { readonly: true })
  try {
    const tables = ['reports', 'report_revisions', 'report_reviews', 'current_cells', 'audit_log']
    const rows = tables.map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all())
    rows.push(db.prepare('SELECT id, role, scope, revoked_at FROM tokens ORDER BY id').all())
    return JSON.stringify(rows)
  } finally {
    db.close()
  }
}

type Identity = 'none' | 'wrong' | 'revoked' | 'otherUnit' | 'otherDistrict' | 'unit' | 'district' | 'admin'

function headersFor(app: FastifyInstance, who: Identity): Record<string, string> {
  switch (who) {
    case 'none':
      return {}
    case 'wrong':
      return { authorization: 'Bearer t_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
    case 'revoked': {
      const token = tokenFor(app, 'admin')
      app.repos.tokens.revoke(token.id, { actor: null, requestId: 'test', clientAddress: 'test' }, new Date())
      return token.headers
    }
    case 'otherUnit':
      return tokenFor(app, 'unit', '350803101').headers
    case 'otherDistrict':
      return tokenFor(app, 'district', '350802').headers
    case 'unit':
      return tokenFor(app, 'unit', UNIT).headers
    case 'district':
      return tokenFor(app, 'district', '350803').headers
    case 'admin':
      return tokenFor(app, 'admin').headers
  }
}

interface Route {
  name: string
  /** Brings the database to the state the request needs, as an admin. */
  setup?: (app: FastifyInstance) => Promise<Record<string, string>>
  request: (vars: Record<string, string>) => {
    method: 'GET' | 'PUT' | 'POST' | 'DELETE'
    url: string
    payload?: object
  }
  /** The status for each caller that gets past authentication. */
  expect: Record<'otherUnit' | 'otherDistrict' | 'unit' | 'district' | 'admin', number>
}

const submitted = async (app: FastifyInstance) => {
  await app.inject({ method: 'PUT', url: URL_2020, payload: fengshi() as object, headers: asAdmin(app) })
  return {}
}

const ROUTES: Route[] = [
  {
    name: 'PUT a report',
    request: () => ({ method: 'PUT', url: URL_2020, payload: fengshi() }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 201, district: 201, admin: 201 }
  },
  {
    name: 'review a report',
    setup: submitted,
    request: () => ({ method: 'POST', url: `${URL_2020}/review`, payload: { action: 'accept' } }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 403, district: 200, admin: 200 }
  },
  {
    name: 'set a deadline',
    request: () => ({ method: 'PUT', url: '/v1/deadlines/350803/2020', payload: { date: '2021-02-15' } }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 403, district: 200, admin: 200 }
  },
  {
    name: 'explain a warning',
    setup: async (app) => {
      const year = { ...fengshi(), year: 2021 } // gb2019 in 2021: W-TEMPLATE-YEAR
      await app.inject({
        method: 'PUT',
        url: `/v1/reports/${UNIT}/2021`,
        payload: year as object,
        headers: asAdmin(app)
      })
      return {}
    },
    request: () => ({
      method: 'POST',
      url: `/v1/quality/${UNIT}/2021/explanations`,
      payload: { rule: 'W-TEMPLATE-YEAR', comment: '沿用旧格式' }
    }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 403, district: 200, admin: 200 }
  },
  {
    name: 'import and store a draft',
    request: () => ({
      method: 'POST',
      url: `/v1/imports?commit=true&unit=${UNIT}`,
      payload: readFileSync(join(FIXTURES, 'fengshi-2020.txt'), 'utf8') as unknown as object
    }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 200, district: 200, admin: 200 }
  },
  {
    name: 'issue a token',
    request: () => ({ method: 'POST', url: '/v1/tokens', payload: { role: 'unit', scope: '350803101' } }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 403, district: 403, admin: 201 }
  },
  {
    name: 'revoke a token',
    setup: async (app) => ({ id: tokenFor(app, 'unit', '350803102').id }),
    request: ({ id }) => ({ method: 'DELETE', url: `/v1/tokens/${id}` }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 403, district: 403, admin: 200 }
  },
  {
    name: 'list tokens',
    request: () => ({ method: 'GET', url: '/v1/tokens' }),
    expect: { otherUnit: 403, otherDistrict: 403, unit: 403, district: 403, admin: 200 }
  },
  {
    name: 'read the audit trail',
    request: () => ({ method: 'GET', url: '/v1/audit' }),
    expect: { otherUnit: 403, otherDistrict: 200, unit: 403, district: 200, admin: 200 }
  }
]

const IDENTITIES: Identity[] = ['none', 'wrong', 'revoked', 'otherUnit', 'otherDistrict', 'unit', 'district', 'admin']

t.test('every writing route × every kind of caller', async (t) => {
  for (const route of ROUTES) {
    for (const who of IDENTITIES) {
      t.test(`${route.name} as ${who}`, async (t) => {
        const { app, databasePath } = await build(t)
        const vars = (await route.setup?.(app)) ?? {}
        const headers = headersFor(app, who)
        const before = fingerprint(databasePath)
        const request = route.request(vars)
        const type = typeof request.payload === 'string' ? { 'content-type': 'text/plain' } : {}
        const response = await app.inject({ ...request, headers: { ...headers, ...type } })
        const expected = who === 'none' || who === 'wrong' || who === 'revoked' ? 401 : route.expect[who]
        t.equal(response.statusCode, expected, response.body.slice(0, 300))
        if (expected >= 400) {
          t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
          t.equal(fingerprint(databasePath), before, 'nothing changed')
        }
        if (expected === 401) t.match(response.headers['www-authenticate'], /^Bearer realm="ogi-reports"/)
        if (expected === 403) t.equal(response.json().code, 'FORBIDDEN')
      })
    }
  }
})

t.test('the audit trail of a sequence of writes', async (t) => {
  const { app } = await build(t)
  const admin = tokenFor(app, 'admin')
  const created = await app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: { ...admin.headers, 'x-request-id': 'issue-1' },
    payload: { role: 'unit', scope: UNIT, label: '峰市镇政务公开办' }
  })
  t.equal(created.statusCode, 201)
  const unitToken = created.json()
  t.match(unitToken, {
    role: 'unit',
    scope: UNIT,
    label: '峰市镇政务公开办',
    token: /^t_[0-9a-f]{16}\./,
    revokedAt: null
  })
  const unit = { authorization: `Bearer ${unitToken.token}` }
  const district = tokenFor(app, 'district', '350803')

  const draft = await app.inject({
    method: 'PUT',
    url: URL_2020,
    headers: unit,
    payload: { ...fengshi(), status: 'draft' }
  })
  const final = await app.inject({ method: 'PUT', url: URL_2020, headers: unit, payload: fengshi() as object })
  const accept = await app.inject({
    method: 'POST',
    url: `${URL_2020}/review`,
    headers: district.headers,
    payload: { action: 'accept' }
  })
  const amend = await app.inject({
    method: 'PUT',
    url: URL_2020,
    headers: admin.headers,
    payload: { ...fengshi(), narrative: { other: '更正' }, amendmentReason: '补充说明' }
  })
  const revoke = await app.inject({ method: 'DELETE', url: `/v1/tokens/${unitToken.id}`, headers: admin.headers })
  t.same(
    [draft, final, accept, amend, revoke].map((r) => r.statusCode),
    [201, 200, 200, 200, 200]
  )

  const audit = (await app.inject({ url: '/v1/audit', headers: admin.headers })).json()
  // Tokens issued by the test helper go through the same service as the CLI and are audited too.
  const fromHelper = audit.items.filter((e: { requestId: string }) => e.requestId === 'test')
  t.same(
    fromHelper.map((e: { action: string; by: unknown; divisionCode: string | null }) => [
      e.action,
      e.by,
      e.divisionCode
    ]),
    [
      ['token.create', null, '350803'],
      ['token.create', null, null]
    ]
  )
  const http = audit.items.filter((e: { requestId: string }) => e.requestId !== 'test')
  t.same(
    http.map((e: { action: string; target: string; by: { tokenId: string; role: string } | null }) => [
      e.action,
      e.target,
      e.by?.tokenId,
      e.by?.role
    ]),
    [
      ['token.revoke', unitToken.id, admin.id, 'admin'],
      ['report.revision', `${UNIT}/2020`, admin.id, 'admin'],
      ['report.review', `${UNIT}/2020`, district.id, 'district'],
      ['report.revision', `${UNIT}/2020`, unitToken.id, 'unit'],
      ['report.revision', `${UNIT}/2020`, unitToken.id, 'unit'],
      ['token.create', unitToken.id, admin.id, 'admin']
    ],
    'newest first, each with its token'
  )
  t.match(http[5], {
    requestId: 'issue-1',
    clientAddress: '127.0.0.1',
    divisionCode: UNIT,
    detail: { role: 'unit', scope: UNIT }
  })
  t.match(http[4], { requestId: draft.headers['x-request-id'], detail: { revision: 1, status: 'draft' } })
  t.match(http[1], { detail: { revision: 3, reason: '补充说明' } })
  t.notMatch(JSON.stringify(audit), unitToken.token.split('.')[1], 'never the secret')

  const revisions = (await app.inject({ url: `${URL_2020}/revisions` })).json()
  t.same(
    revisions.items.map((r: { by: { tokenId: string } }) => r.by.tokenId),
    [unitToken.id, unitToken.id, admin.id],
    'each revision names the token that made it'
  )
  t.same(revisions.reviews[0].by, { tokenId: district.id, role: 'district' })

  t.test('filters and pages', async (t) => {
    const reviews = (await app.inject({ url: '/v1/audit?action=report.review', headers: admin.headers })).json()
    t.equal(reviews.items.length, 1)
    const byUnit = (await app.inject({ url: `/v1/audit?tokenId=${unitToken.id}`, headers: admin.headers })).json()
    t.equal(byUnit.items.length, 2, 'the two revisions the unit made')
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ id: number }>; nextCursor: string | null } = (
        await app.inject({ url: `/v1/audit?limit=4${cursor ? `&cursor=${cursor}` : ''}`, headers: admin.headers })
      ).json()
      seen.push(...page.items.map((e) => e.id))
      cursor = page.nextCursor
    } while (cursor)
    t.same(
      seen,
      audit.items.map((e: { id: number }) => e.id)
    )
    const future = (
      await app.inject({ url: '/v1/audit?from=2999-01-01T00:00:00%2B08:00', headers: admin.headers })
    ).json()
    t.equal(future.items.length, 0)
    t.equal((await app.inject({ url: '/v1/audit?from=yesterday', headers: admin.headers })).statusCode, 400)
  })

  t.test('a district reads only what concerns its divisions', async (t) => {
    const other = tokenFor(app, 'district', '350802')
    const theirs = (await app.inject({ url: '/v1/audit', headers: other.headers })).json()
    t.same(
      theirs.items.map((e: { target: string }) => e.target),
      [other.id],
      'only the creation of its own token'
    )
    const own = (await app.inject({ url: '/v1/audit', headers: district.headers })).json()
    t.equal(own.items.length, 7, 'the writes on 峰市镇, the unit token, and its own token')
    t.ok(own.items.every((e: { divisionCode: string }) => e.divisionCode.startsWith('350803')))
    t.equal((await app.inject({ url: '/v1/audit?under=3508', headers: district.headers })).statusCode, 403)
  })

  t.test('the revoked token no longer works', async (t) => {
    const response = await app.inject({ method: 'PUT', url: URL_2020, headers: unit, payload: fengshi() as object })
    t.equal(response.statusCode, 401)
    t.equal(response.json().code, 'INVALID_TOKEN')
  })

  t.test('tokens are listed without secrets, with last use', async (t) => {
    const list = (await app.inject({ url: '/v1/tokens', headers: admin.headers })).json()
    const entry = list.items.find((x: { id: string }) => x.id === unitToken.id)
    t.match(entry, { role: 'unit', revokedAt: String, lastUsedAt: String })
    t.notOk('token' in entry)
    t.notMatch(JSON.stringify(list), unitToken.token.split('.')[1])
  })
})

t.test('malformed Authorization headers are 401 problems and write nothing', async (t) => {
  const { app, databasePath } = await build(t, { config: { authFailureLimitPerMinute: 1000 } })
  const before = fingerprint(databasePath)
  const headers = [
    '',
    'abc',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `Bearer ${'a'.repeat(10 * 1024)}`,
    'Bearer tök€n',
    'Bearer t_0123456789abcdef'
  ]
  for (const authorization of headers) {
    const response = await app.inject({
      method: 'PUT',
      url: URL_2020,
      headers: { authorization },
      payload: fengshi() as object
    })
    t.equal(response.statusCode, 401, JSON.stringify(authorization.slice(0, 30)))
    t.equal(response.json().code, 'INVALID_TOKEN')
  }
  const onRead = await app.inject({ url: URL_2020, headers: { authorization: 'Bearer nonsense' } })
  t.equal(onRead.statusCode, 401, 'a bad token is refused on public reads too')
  t.equal(fingerprint(databasePath), before)
})

t.test('bad token requests', async (t) => {
  const { app, databasePath } = await build(t)
  const admin = asAdmin(app)
  const before = fingerprint(databasePath)
  const cases: Array<[object, number, string]> = [
    [{ role: 'unit', scope: '350803999' }, 422, '/scope'],
    [{ role: 'unit', scope: '350803' }, 422, '/scope'],
    [{ role: 'district', scope: UNIT }, 422, '/scope'],
    [{ role: 'admin', scope: '35' }, 422, '/scope'],
    [{ role: 'district' }, 422, '/scope'],
    [{ role: 'superuser' }, 400, '/role'],
    [{ role: 'unit', scope: 'abc' }, 400, '/scope'],
    [{ role: 'unit', scope: UNIT, extra: 1 }, 400, '/extra']
  ]
  for (const [payload, status, pointer] of cases) {
    const response = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload })
    t.equal(response.statusCode, status, JSON.stringify(payload))
    t.ok(
      response.json().errors?.some((e: { pointer: string }) => e.pointer === pointer),
      `${JSON.stringify(payload)} names ${pointer}`
    )
  }
  const big = await app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: admin,
    payload: { role: 'admin', label: 'x'.repeat(5000) }
  })
  t.equal(big.statusCode, 413, 'the token route takes at most 4 KiB')
  t.equal(
    (await app.inject({ method: 'DELETE', url: '/v1/tokens/t_0000000000000000', headers: admin })).statusCode,
    404
  )
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/tokens/nope', headers: admin })).statusCode, 400)
  t.equal(fingerprint(databasePath), before.replace(/x/g, 'x'), 'nothing written (the admin token was issued before)')
})

t.test('drafts and returned reports are private to their unit, its district and admins', async (t) => {
  const { app } = await build(t)
  const draft = sampleReport({ unit: UNIT, year: 2021, template: 'gb2021', random: seededRandom(3), status: 'draft' })
  await app.inject({ method: 'PUT', url: `/v1/reports/${UNIT}/2021`, headers: asAdmin(app), payload: draft })
  const url = `/v1/reports/${UNIT}/2021`
  const readers: Array<[Record<string, string>, number, string]> = [
    [{}, 404, 'anonymous'],
    [tokenFor(app, 'unit', '350803101').headers, 404, 'another township'],
    [tokenFor(app, 'district', '350802').headers, 404, 'another district'],
    [tokenFor(app, 'unit', UNIT).headers, 200, 'its unit'],
    [tokenFor(app, 'district', '35').headers, 200, 'its province'],
    [asAdmin(app), 200, 'an admin']
  ]
  for (const [headers, status, who] of readers) {
    for (const path of ['', '/revisions', '/revisions/1', '/revisions/1/diff']) {
      t.equal((await app.inject({ url: url + path, headers })).statusCode, status, `${who} GET ${path || 'current'}`)
    }
    const listed = (await app.inject({ url: '/v1/reports', headers })).json().items.length
    t.equal(listed, status === 200 ? 1 : 0, `${who} list`)
  }

  t.test('once submitted the report is public, but its draft revision is not', async (t) => {
    await app.inject({ method: 'PUT', url, headers: asAdmin(app), payload: { ...draft, status: 'submitted' } })
    t.equal((await app.inject({ url })).statusCode, 200)
    t.equal((await app.inject({ url: `${url}/revisions/2` })).statusCode, 200)
    t.equal((await app.inject({ url: `${url}/revisions/1` })).statusCode, 404)
    t.equal((await app.inject({ url: `${url}/revisions/2/diff` })).statusCode, 404, 'the diff would show the draft')
  })

  t.test('a returned report is private again', async (t) => {
    await app.inject({
      method: 'POST',
      url: `${url}/review`,
      headers: asAdmin(app),
      payload: { action: 'return', comment: '请补正' }
    })
    t.equal((await app.inject({ url })).statusCode, 404)
  })
})

t.test('abuse limits', async (t) => {
  t.test('writes per token per minute', async (t) => {
    const { app } = await build(t, { config: { writeLimitPerMinute: 3 } })
    const unit = tokenFor(app, 'unit', UNIT).headers
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const response = await app.inject({ method: 'PUT', url: URL_2020, headers: unit, payload: fengshi() as object })
      statuses.push(response.statusCode)
      if (response.statusCode === 429) {
        t.equal(response.json().code, 'RATE_LIMITED')
        t.ok(Number(response.headers['retry-after']) > 0)
      }
    }
    t.same(statuses, [201, 200, 200, 429])
    const other = tokenFor(app, 'unit', '350803101').headers
    const fresh = await app.inject({
      method: 'PUT',
      url: '/v1/reports/350803101/2020',
      headers: other,
      payload: { ...fengshi(), unit: undefined }
    })
    t.equal(fresh.statusCode, 201, 'another token has its own budget')
  })

  t.test('failed authentications per address hold off the failing client, not its neighbours', async (t) => {
    const { app } = await build(t, { config: { authFailureLimitPerMinute: 2 } })
    const bad = { authorization: 'Bearer wrong' }
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: URL_2020, headers: bad })).statusCode)
    t.same(statuses, [401, 401, 429])
    const held = await app.inject({ url: URL_2020, headers: bad })
    t.equal(held.statusCode, 429, 'the failing client is held off for the rest of the minute')
    t.ok(Number(held.headers['retry-after']) > 0)
    // Another township behind the same NAT (same address) with a valid token is not locked out.
    const good = await app.inject({ method: 'PUT', url: URL_2020, headers: asAdmin(app), payload: fengshi() as object })
    t.equal(good.statusCode, 201, 'a valid token from the same address is accepted')
    t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'anonymous reads still work')
  })

  t.test('behind a trusted proxy, limits and the audit trail use the forwarded client address', async (t) => {
    const { app } = await build(t, { config: { authFailureLimitPerMinute: 1, trustProxy: ['127.0.0.1'] } })
    const bad = (client: string) => ({ authorization: 'Bearer wrong', 'x-forwarded-for': client })
    const fail = async (client: string) =>
      (await app.inject({ url: URL_2020, headers: bad(client), remoteAddress: '127.0.0.1' })).statusCode
    t.same([await fail('203.0.113.7'), await fail('203.0.113.7')], [401, 429], 'one client reaches its limit')
    t.equal(await fail('198.51.100.9'), 401, 'another client behind the same proxy has its own count')
    const put = await app.inject({
      method: 'PUT',
      url: URL_2020,
      headers: { ...asAdmin(app), 'x-forwarded-for': '192.0.2.44' },
      remoteAddress: '127.0.0.1',
      payload: fengshi() as object
    })
    t.equal(put.statusCode, 201)
    const audit = (await app.inject({ url: '/v1/audit', headers: asAdmin(app) })).json()
    t.equal(audit.items.find((e: { action: string }) => e.action === 'report.revision').clientAddress, '192.0.2.44')

    // Not trusted (the default): the header is ignored and the peer address counts.
    const direct = (await build(t, { config: { authFailureLimitPerMinute: 1 } })).app
    const spoof = async (client: string) =>
      (await direct.inject({ url: URL_2020, headers: bad(client), remoteAddress: '10.1.1.1' })).statusCode
    t.same(
      [await spoof('203.0.113.1'), await spoof('203.0.113.2')],
      [401, 429],
      'a forged X-Forwarded-For earns no fresh budget'
    )
  })
})

t.test('tokens never reach the logs', async (t) => {
  const { app, logs } = await build(t, { config: { logLevel: 'trace' } })
  const admin = asAdmin(app)
  const issued = (
    await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { role: 'admin' } })
  ).json()
  await app.inject({
    method: 'PUT',
    url: URL_2020,
    headers: { authorization: `Bearer ${issued.token}` },
    payload: fengshi() as object
  })
  await app.inject({
    url: URL_2020,
    headers: {
      authorization: 'Bearer t_0123456789abcdef.leakedleakedleakedleakedleakedleakedleakedlea',
      cookie: 'session=leakedcookie'
    }
  })
  const text = logs()
  t.ok(text.length > 0)
  t.notMatch(text, issued.token.split('.')[1])
  t.notMatch(text, admin.authorization.split('.')[1]!)
  t.notMatch(text, /leaked/)
})

t.test('CORS and security headers', async (t) => {
  const closed = (await build(t)).app
  const plain = await closed.inject({ url: '/healthz', headers: { origin: 'https://dash.example' } })
  t.equal(plain.headers['access-control-allow-origin'], undefined, 'no origin is allowed by default')
  t.equal(plain.headers['x-content-type-options'], 'nosniff')
  t.equal(plain.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP')
  t.notMatch(plain.headers['content-security-policy'], /upgrade-insecure-requests/)

  const open = (await build(t, { config: { corsOrigins: ['https://dash.example'] } })).app
  const allowed = await open.inject({ url: '/healthz', headers: { origin: 'https://dash.example' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://dash.example')
  const other = await open.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } })
  t.equal(other.headers['access-control-allow-origin'], undefined)
  const preflight = await open.inject({
    method: 'OPTIONS',
    url: URL_2020,
    headers: {
      origin: 'https://dash.example',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization'
    }
  })
  t.equal(preflight.statusCode, 204)
})

t.test('security headers fit the transport', async (t) => {
  const https = (headers: Record<string, string | undefined>) => ({
    hsts: headers['strict-transport-security'],
    upgrade: /upgrade-insecure-requests/.test(headers['content-security-policy'] ?? ''),
    coop: headers['cross-origin-opener-policy']
  })
  const off = { hsts: undefined, upgrade: false, coop: undefined }
  const on = { hsts: 'max-age=31536000; includeSubDomains', upgrade: true, coop: 'same-origin' }

  const direct = (await build(t)).app
  const forged = await direct.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } })
  t.same(https(forged.headers as Record<string, string>), off, 'X-Forwarded-Proto from an untrusted client is ignored')

  const proxied = (await build(t, { config: { trustProxy: ['127.0.0.1'] } })).app
  const viaHttps = await proxied.inject({
    url: '/',
    headers: { 'x-forwarded-proto': 'https' },
    remoteAddress: '127.0.0.1'
  })
  t.same(https(viaHttps.headers as Record<string, string>), on, 'behind a trusted proxy that terminated TLS')
  const viaHttp = await proxied.inject({
    url: '/',
    headers: { 'x-forwarded-proto': 'http' },
    remoteAddress: '127.0.0.1'
  })
  t.same(https(viaHttp.headers as Record<string, string>), off)
  const docs = await proxied.inject({
    url: '/docs/',
    headers: { 'x-forwarded-proto': 'https' },
    remoteAddress: '127.0.0.1'
  })
  t.match(docs.headers['content-security-policy'], /script-src 'self'.*upgrade-insecure-requests$/, 'Swagger UI too')

  const published = (await build(t, { config: { publicUrl: 'https://zwgk.example.gov.cn/ogi/' } })).app
  t.same(https((await published.inject({ url: '/' })).headers as Record<string, string>), on, 'PUBLIC_URL with https')
  const created = await published.inject({
    method: 'PUT',
    url: URL_2020,
    headers: asAdmin(published),
    payload: fengshi() as object
  })
  t.equal(
    created.headers.location,
    'https://zwgk.example.gov.cn/ogi/v1/reports/350803109/2020',
    'Location from PUBLIC_URL'
  )
  t.same((await published.inject({ url: '/openapi.json' })).json().servers, [
    { url: 'https://zwgk.example.gov.cn/ogi/', description: 'This service' }
  ])
  t.same(
    (await direct.inject({ url: '/openapi.json' })).json().servers,
    [{ url: '.', description: 'This service' }],
    'relative by default'
  )
  t.same(
    (await direct.inject({ url: '/docs/json' })).json().servers,
    [{ url: '..', description: 'This service' }],
    'relative to docs/json'
  )
  t.throws(() => loadConfig({ PUBLIC_URL: 'zwgk.example.gov.cn' }), /PUBLIC_URL/)
})

// Reports over HTTP: submission and its outcomes, revisions, diffs, review, validation, the list,
// the template catalogue, and bad input refused with nothing stored.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import type { CellTree, Report } from '../src/domain/report.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { TEMPLATES } from '../src/domain/templates.js'
import { buildApp } from '../src/app.js'
import { DEFAULT_CONFIG } from '../src/config.js'
import { createSubmissions } from '../src/services/submissions.js'
import { asAdmin, build, clock, edit, fengshi, tokenFor } from './helper.js'

const URL_2020 = '/v1/reports/350803109/2020'

const put = (app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PUT', url, payload: body as object, headers: { ...asAdmin(app), ...headers } })
const review = (app: FastifyInstance, url: string, payload: object) =>
  app.inject({ method: 'POST', url: `${url}/review`, payload, headers: asAdmin(app) })
/** A read as the unit's district would make it (drafts are not public). */
const get = (app: FastifyInstance, url: string) => app.inject({ url, headers: asAdmin(app) })

const sample = (unit: string, year: number, template: 'gb2019' | 'gb2021', seed = 1) =>
  sampleReport({ unit, year, template, random: seededRandom(seed) })

/** How many revisions the database holds, to prove that a refusal stored nothing. */
async function revisionCount(app: FastifyInstance, url: string): Promise<number> {
  const response = await get(app, `${url}/revisions`)
  return response.statusCode === 404 ? 0 : response.json().items.length
}

t.test('submitting the real report of 峰市镇', async (t) => {
  const time = clock('2021-01-11T01:30:00Z')
  const { app } = await build(t, { now: time.now })

  const first = await put(app, URL_2020, fengshi())
  t.equal(first.statusCode, 201)
  const firstTag = String(first.headers.etag)
  t.match(firstTag, /^"350803109-2020-r1-[\w-]{12}"$/, 'the tag names the revision')
  t.equal(first.headers.location, '2020', 'relative to the request: the report is where it was PUT')
  t.same(first.json(), {
    unit: '350803109',
    year: 2020,
    status: 'submitted',
    revision: 1,
    submittedAt: '2021-01-11T09:30:00.000+08:00',
    onTime: true,
    template: 'gb2019',
    unchanged: false,
    errors: [],
    warnings: []
  })

  t.test('reads back cell for cell, with its workflow state', async (t) => {
    const response = await app.inject({ url: URL_2020 })
    t.equal(response.statusCode, 200)
    t.equal(response.headers.etag, firstTag, 'the same tag as the PUT answered')
    const body = response.json()
    const { revision, status, submittedAt, acceptedAt, onTime, errors, warnings, lastReview, ...report } = body
    t.same({ ...report, status }, fengshi(), 'the canonical JSON as submitted')
    t.same(
      { revision, status, submittedAt, acceptedAt, onTime, errors, warnings, lastReview },
      {
        revision: 1,
        status: 'submitted',
        submittedAt: '2021-01-11T09:30:00.000+08:00',
        acceptedAt: null,
        onTime: true,
        errors: [],
        warnings: [],
        lastReview: null
      }
    )
    const notModified = await app.inject({ url: URL_2020, headers: { 'if-none-match': firstTag } })
    t.equal(notModified.statusCode, 304)
    t.equal(notModified.headers.etag, firstTag)
    t.equal(
      (await app.inject({ url: URL_2020, headers: { 'if-none-match': `"x", W/${firstTag}` } })).statusCode,
      304,
      'a list, weakly compared'
    )
    t.equal((await app.inject({ url: URL_2020, headers: { 'if-none-match': '"350803109-2020-r1"' } })).statusCode, 200)
  })

  t.test('the same body again is unchanged, with no new revision', async (t) => {
    const again = await put(app, URL_2020, fengshi())
    t.equal(again.statusCode, 200)
    t.match(again.json(), { unchanged: true, revision: 1 })
    const reordered = Object.fromEntries(Object.entries(fengshi()).reverse())
    t.match((await put(app, URL_2020, reordered)).json(), { unchanged: true }, 'key order does not matter')
    t.equal(await revisionCount(app, URL_2020), 1)
  })

  t.test('a change makes revision 2, and the diff names the cell', async (t) => {
    time.set('2021-03-01T00:00:00Z')
    const changed = edit(fengshi(), (r) => {
      ;(r.proactive.normativeDocuments as CellTree).totalPublished = 3
    })
    const second = await put(app, URL_2020, changed, { 'if-match': firstTag })
    t.equal(second.statusCode, 200)
    t.match(second.headers.etag, /^"350803109-2020-r2-/)
    t.match(second.json(), {
      revision: 2,
      unchanged: false,
      submittedAt: '2021-01-11T09:30:00.000+08:00',
      onTime: true
    })
    const diff = (await app.inject({ url: `${URL_2020}/revisions/2/diff` })).json()
    t.same(diff, { from: 1, to: 2, changes: [{ cell: 'proactive.normativeDocuments.totalPublished', old: 2, new: 3 }] })
    const revisions = (await app.inject({ url: `${URL_2020}/revisions` })).json()
    t.same(
      revisions.items.map((r: { revision: number; status: string; createdAt: string }) => [
        r.revision,
        r.status,
        r.createdAt
      ]),
      [
        [1, 'submitted', '2021-01-11T09:30:00.000+08:00'],
        [2, 'submitted', '2021-03-01T08:00:00.000+08:00']
      ]
    )
    const one = (await app.inject({ url: `${URL_2020}/revisions/1` })).json()
    t.equal(one.revision, 1)
    t.equal(one.proactive.normativeDocuments.totalPublished, 2, 'revision 1 is kept as it was')
    const firstDiff = (await app.inject({ url: `${URL_2020}/revisions/1/diff` })).json()
    t.equal(firstDiff.from, null)
    t.ok(
      firstDiff.changes.some(
        (c: { cell: string; old: unknown; new: unknown }) =>
          c.cell === 'proactive.otherServices.decisions' && c.old === null && c.new === 334
      )
    )
  })

  t.test('a stale If-Match is 412 and stores nothing', async (t) => {
    const stale = await put(
      app,
      URL_2020,
      edit(fengshi(), (r) => ((r.meta ??= {}).title = 'x')),
      { 'if-match': firstTag }
    )
    t.equal(stale.statusCode, 412)
    t.equal(stale.json().code, 'PRECONDITION_FAILED')
    t.equal(await revisionCount(app, URL_2020), 2)
  })

  t.test('unknown revisions are 404', async (t) => {
    t.equal((await app.inject({ url: `${URL_2020}/revisions/9` })).json().code, 'REVISION_NOT_FOUND')
    t.equal((await app.inject({ url: `${URL_2020}/revisions/9/diff` })).json().code, 'REVISION_NOT_FOUND')
    t.equal((await app.inject({ url: '/v1/reports/350803101/2020' })).json().code, 'REPORT_NOT_FOUND')
    t.equal((await app.inject({ url: '/v1/reports/350803101/2020/revisions' })).statusCode, 404)
  })
})

t.test('drafts, errors and deadlines', async (t) => {
  const time = clock('2022-01-31T15:59:59Z') // 23:59:59 on 31 January, Beijing time
  const { app } = await build(t, { now: time.now })
  const url = '/v1/reports/350803101/2021'
  const broken = edit(sample('350803101', 2021, 'gb2021'), (r) => {
    const appeals = r.appeals.reconsideration as CellTree
    appeals.total = (appeals.total as number) + 1
  })

  t.test('a submitted report that breaks a rule is 422 with every violation, and nothing is stored', async (t) => {
    const response = await put(app, url, broken)
    t.equal(response.statusCode, 422)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    const body = response.json()
    t.match(body, { code: 'REPORT_INVALID', status: 422, detail: '1 error; nothing was stored', instance: url })
    t.same(
      body.errors.map((e: { rule: string; cells: string[] }) => [e.rule, e.cells[0]]),
      [['E-APPEAL-TOTAL', '/appeals/reconsideration/total']]
    )
    t.equal(await revisionCount(app, url), 0)
  })

  t.test('the same as a draft is stored with its errors, and is not yet submitted', async (t) => {
    const response = await put(app, url, { ...broken, status: 'draft' })
    t.equal(response.statusCode, 201)
    t.match(response.json(), { status: 'draft', submittedAt: null, onTime: null, errors: [{ rule: 'E-APPEAL-TOTAL' }] })
    t.equal((await get(app, url)).json().errors.length, 1)
  })

  t.test('submitted at 23:59:59 on 31 January Beijing time is on time', async (t) => {
    const response = await put(app, url, sample('350803101', 2021, 'gb2021'))
    t.match(response.json(), {
      status: 'submitted',
      revision: 2,
      onTime: true,
      submittedAt: '2022-01-31T23:59:59.000+08:00'
    })
  })

  t.test('one second later is late', async (t) => {
    time.set('2022-01-31T16:00:00Z')
    const response = await put(app, '/v1/reports/350803102/2021', sample('350803102', 2021, 'gb2021'))
    t.match(response.json(), { onTime: false })
  })
})

t.test('a gb2021 report with figures in every table, and cross-year warnings', async (t) => {
  const { app } = await build(t)
  const r2021 = sample('350803110', 2021, 'gb2021', 5)
  const response = await put(app, '/v1/reports/350803110/2021', r2021)
  t.equal(response.statusCode, 201)
  t.same(response.json().warnings, [])
  const {
    revision: _r,
    submittedAt: _a,
    acceptedAt: _b,
    onTime: _o,
    errors: _e,
    warnings: _w,
    lastReview: _l,
    ...stored
  } = (await app.inject({ url: '/v1/reports/350803110/2021' })).json()
  t.same(stored, r2021, 'reads back as sent')

  const r2022 = sample('350803110', 2022, 'gb2021', 6)
  const next = await put(app, '/v1/reports/350803110/2022', r2022)
  t.equal(next.statusCode, 201, 'warnings never block')
  const rules = next.json().warnings.map((w: { rule: string }) => w.rule)
  t.ok(rules.includes('W-CARRY-CONTINUITY'), 'carried over is compared with 2021’s carried forward')
  t.ok(rules.includes('W-INFORCE-CONTINUITY'))

  const validated = await app.inject({ method: 'POST', url: '/v1/validate', payload: r2022 })
  t.equal(validated.statusCode, 200)
  t.same(validated.json(), { valid: true, errors: [], warnings: next.json().warnings }, 'validate runs the same engine')
})

t.test('review: accept locks, amendment reopens, return sends back', async (t) => {
  const { app } = await build(t)
  const url = '/v1/reports/350803104/2021'
  const report = sample('350803104', 2021, 'gb2021')
  await put(app, url, { ...report, status: 'draft' })

  const early = await review(app, url, { action: 'accept' })
  t.equal(early.statusCode, 409, 'a draft cannot be accepted')
  t.equal(early.json().code, 'REVIEW_NOT_ALLOWED')

  await put(app, url, report)
  const accepted = await review(app, url, { action: 'accept', comment: '审核通过' })
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json(), {
    status: 'accepted',
    revision: 2,
    acceptedAt: String,
    review: { action: 'accept', comment: '审核通过', revision: 2 }
  })
  t.match((await app.inject({ url })).json(), { status: 'accepted', lastReview: { action: 'accept' } })

  const changed = edit(report, (r) => {
    ;(r.proactive.licensing as CellTree).decisions = 9999
  })
  const locked = await put(app, url, changed)
  t.equal(locked.statusCode, 409)
  t.equal(locked.json().code, 'REPORT_LOCKED')
  t.equal(await revisionCount(app, url), 2)
  t.match(
    (await put(app, url, report)).json(),
    { unchanged: true, status: 'accepted' },
    'the accepted content again is no change'
  )

  const amended = await put(app, url, { ...changed, amendmentReason: '行政许可数量填报有误' })
  t.equal(amended.statusCode, 200)
  t.match(amended.json(), { revision: 3, status: 'submitted' })
  const revisions = (await app.inject({ url: `${url}/revisions` })).json()
  t.equal(revisions.items[2].reason, '行政许可数量填报有误')
  t.same(
    revisions.reviews.map((r: { action: string; revision: number }) => [r.action, r.revision]),
    [['accept', 2]]
  )

  const returned = await review(app, url, { action: 'return', comment: '请核对' })
  t.match(returned.json(), { status: 'returned', acceptedAt: null })
  const resubmitted = await put(app, url, { ...changed })
  t.match(resubmitted.json(), { revision: 4, status: 'submitted' }, 'a returned report sent again is a new revision')

  const badAction = await review(app, url, { action: 'approve' })
  t.equal(badAction.statusCode, 400)
  t.equal(badAction.json().errors[0].pointer, '/action')
})

t.test('listing reports', async (t) => {
  const { app } = await build(t)
  const units = ['350803101', '350803102', '350803103', '350803104', '350803105']
  for (const unit of units) await put(app, `/v1/reports/${unit}/2021`, sample(unit, 2021, 'gb2021'))
  await put(app, '/v1/reports/350803101/2020', sample('350803101', 2020, 'gb2019'))
  await put(app, '/v1/reports/350802001/2021', { ...sample('350802001', 2021, 'gb2021'), status: 'draft' })

  const all = (await get(app, '/v1/reports?limit=100')).json()
  t.same(
    all.items.map((r: { unit: string; year: number }) => `${r.year}/${r.unit}`),
    ['2021/350802001', ...units.map((u) => `2021/${u}`), '2020/350803101'],
    'newest year first, then by unit'
  )
  t.match(all.items[1], { unitName: '坎市镇', template: 'gb2021', status: 'submitted', errorCount: 0, warningCount: 0 })

  const filtered = (await app.inject({ url: '/v1/reports?year=2021&under=350803&status=submitted' })).json()
  t.equal(filtered.items.length, 5)
  t.equal((await app.inject({ url: '/v1/reports?template=gb2019' })).json().items.length, 1)

  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page: { items: Array<{ unit: string; year: number }>; nextCursor: string | null } = (
      await get(app, `/v1/reports?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
    ).json()
    seen.push(...page.items.map((r) => `${r.year}/${r.unit}`))
    cursor = page.nextCursor
  } while (cursor)
  t.same(
    seen,
    all.items.map((r: { unit: string; year: number }) => `${r.year}/${r.unit}`),
    'pages cover the list once'
  )

  t.equal((await app.inject({ url: '/v1/reports?status=lost' })).statusCode, 400)
})

t.test('the template catalogue', async (t) => {
  const { app } = await build(t)
  const list = (await app.inject({ url: '/v1/templates' })).json()
  t.same(
    list.items.map((x: { id: string }) => x.id),
    ['gb2019', 'gb2021']
  )
  const gb2021 = (await app.inject({ url: '/v1/templates/gb2021' })).json()
  t.equal(gb2021.cells.length, 200)
  t.equal(gb2021.issuedBy, '国办公开办函〔2021〕30号')
  t.match(
    gb2021.cells.find((c: { code: string }) => c.code === 'proactive.fees.amount'),
    {
      table: 'proactive',
      type: 'amount',
      additive: true,
      column: { zh: '本年收费金额（单位：万元）' }
    }
  )
  t.ok(gb2021.rules.some((r: { id: string }) => r.id === 'W-INFORCE-CONTINUITY'))
  t.notOk(
    gb2021.rules.some((r: { id: string }) => r.id === 'E-PROACTIVE-NEGATIVE'),
    'gb2019 only'
  )
  t.equal((await app.inject({ url: '/v1/templates/gb2030' })).json().code, 'TEMPLATE_NOT_FOUND')
})

t.test('bad input is refused, names the field, and stores nothing', async (t) => {
  const { app } = await build(t)
  const base = fengshi()
  const gb2021 = sample('350803109', 2021, 'gb2021')
  const at = (path: string) => (r: Report) => {
    const parts = path.split('.')
    const key = parts.pop()!
    let node = r as unknown as Record<string, unknown>
    for (const part of parts) node = node[part] as Record<string, unknown>
    return { node, key }
  }
  const withCell = (path: string, value: unknown, report: Report = base) =>
    edit(report, (r) => {
      const { node, key } = at(path)(r)
      node[key] = value
    })
  const without = (path: string, report: Report = base) =>
    edit(report, (r) => {
      const { node, key } = at(path)(r)
      delete node[key]
    })

  const cases: Array<{ name: string; url?: string; body: unknown; pointer: string; status?: number }> = [
    {
      name: 'a string where a count goes',
      body: withCell('requests.received.naturalPerson', 'many'),
      pointer: '/requests/received/naturalPerson'
    },
    {
      name: 'a number inside a string',
      body: withCell('requests.received.naturalPerson', '3'),
      pointer: '/requests/received/naturalPerson'
    },
    {
      name: 'a negative count',
      body: withCell('appeals.reconsideration.upheld', -1),
      pointer: '/appeals/reconsideration/upheld'
    },
    {
      name: 'a fractional count',
      body: withCell('proactive.licensing.decisions', 1.5),
      pointer: '/proactive/licensing/decisions'
    },
    {
      name: 'a count beyond 2^53',
      body: withCell('proactive.licensing.decisions', 2 ** 53),
      pointer: '/proactive/licensing/decisions'
    },
    {
      name: 'a negative amount',
      body: withCell('proactive.procurement.amount', -5),
      pointer: '/proactive/procurement/amount'
    },
    {
      name: 'an unknown amount unit',
      body: withCell('proactive.procurement.amountUnit', 'usd'),
      pointer: '/proactive/procurement/amountUnit'
    },
    {
      name: 'a gb2021 cell in a gb2019 report',
      body: withCell('proactive.regulations.issued', 1),
      pointer: '/proactive/regulations/issued'
    },
    {
      name: 'a gb2019 cell in a gb2021 report',
      url: '/v1/reports/350803109/2021',
      body: withCell('proactive.fees.change', 1, gb2021),
      pointer: '/proactive/fees/change'
    },
    {
      name: 'gb2019 （六） as one row in a gb2021 report',
      url: '/v1/reports/350803109/2021',
      body: withCell('requests.outcomes.other.naturalPerson', 0, gb2021),
      pointer: '/requests/outcomes/other/naturalPerson'
    },
    { name: 'a missing table', body: without('appeals'), pointer: '/appeals' },
    {
      name: 'a missing cell',
      body: without('appeals.litigationDirect.pending'),
      pointer: '/appeals/litigationDirect/pending'
    },
    { name: 'an unknown top-level field', body: { ...base, surprise: 1 }, pointer: '/surprise' },
    {
      name: 'an unknown field deep inside',
      body: withCell('requests.outcomes.withheld.stateSecret.alien', 0),
      pointer: '/requests/outcomes/withheld/stateSecret/alien'
    },
    { name: 'an unknown meta field', body: withCell('meta.contact.email', 'a@b'), pointer: '/meta/contact/email' },
    { name: 'an unknown template', body: { ...base, template: 'gb2030' }, pointer: '/template' },
    { name: 'no template', body: without('template'), pointer: '/template' },
    { name: 'a unit differing from the path', body: { ...base, unit: '350803101' }, pointer: '/unit' },
    { name: 'a year differing from the path', body: { ...base, year: 2021 }, pointer: '/year' },
    {
      name: 'a year before 2019',
      url: '/v1/reports/350803109/2018',
      body: { ...base, year: undefined },
      pointer: '/year'
    },
    {
      name: 'a year after the current one',
      url: `/v1/reports/350803109/${new Date().getFullYear() + 2}`,
      body: { ...base, year: undefined },
      pointer: '/year'
    },
    { name: 'an unknown status', body: { ...base, status: 'accepted' }, pointer: '/status' },
    { name: 'a body that is an array', body: [base], pointer: '' },
    { name: 'a bad publication date', body: withCell('meta.publishedOn', '2021-13-45'), pointer: '/meta/publishedOn' }
  ]
  for (const c of cases) {
    const url = c.url ?? URL_2020
    const response = await put(app, url, c.body)
    t.equal(response.statusCode, c.status ?? 400, c.name)
    const body = response.json()
    t.equal(body.code, 'VALIDATION', c.name)
    t.ok(
      body.errors.some((e: { pointer: string }) => e.pointer === c.pointer),
      `${c.name}: names ${c.pointer} (got ${JSON.stringify(body.errors)})`
    )
  }

  t.test('non-finite numbers cannot pass as counts', async (t) => {
    const text = JSON.stringify(base).replace('"decisions":334', '"decisions":1e999')
    const response = await app.inject({
      method: 'PUT',
      url: URL_2020,
      payload: text,
      headers: { ...asAdmin(app), 'content-type': 'application/json' }
    })
    t.equal(response.statusCode, 400)
    t.equal(response.json().errors[0].pointer, '/proactive/otherServices/decisions')
  })

  t.test('__proto__ and constructor keys are refused', async (t) => {
    for (const key of ['__proto__', 'constructor']) {
      const text = JSON.stringify(base).replace('"meta":{', `"meta":{"${key}":{"prototype":{"polluted":true}},`)
      const response = await app.inject({
        method: 'PUT',
        url: URL_2020,
        payload: text,
        headers: { ...asAdmin(app), 'content-type': 'application/json' }
      })
      t.equal(response.statusCode, 400, key)
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    }
    t.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  t.test('a body over 1 MiB is 413', async (t) => {
    const huge = withCell('narrative.overview', 'x'.repeat(1024 * 1024))
    const response = await put(app, URL_2020, huge)
    t.equal(response.statusCode, 413)
    t.equal(response.json().code, 'BODY_TOO_LARGE')
  })

  t.test('a body that is not JSON is 415', async (t) => {
    const response = await app.inject({
      method: 'PUT',
      url: URL_2020,
      payload: 'unit=350803109',
      headers: { ...asAdmin(app), 'content-type': 'application/x-www-form-urlencoded' }
    })
    t.equal(response.statusCode, 415)
    t.equal(response.json().code, 'UNSUPPORTED_MEDIA_TYPE')
  })

  t.test('a unit that is not in the registry is 404; one that is not a township is 422', async (t) => {
    const unknown = await put(app, '/v1/reports/350803999/2020', { ...base, unit: undefined })
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'DIVISION_NOT_FOUND')
    const district = await put(app, '/v1/reports/350803/2020', { ...base, unit: undefined })
    t.equal(district.statusCode, 422)
    t.equal(district.json().code, 'NOT_A_TOWNSHIP')
    const validated = await app.inject({ method: 'POST', url: '/v1/validate', payload: { ...base, unit: '3508' } })
    t.equal(validated.statusCode, 422)
  })

  t.test('validate needs unit and year in the body', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/v1/validate', payload: { ...base, unit: undefined } })
    t.equal(response.statusCode, 400)
    t.ok(response.json().errors.some((e: { pointer: string }) => e.pointer === '/unit'))
  })

  t.test('after all of that, nothing was stored', async (t) => {
    t.equal((await get(app, '/v1/reports?limit=10')).json().items.length, 0)
    t.equal(TEMPLATES.gb2019.cells.length, 198)
  })
})

t.test('entity tags name their data across restarts, processes and reviews', async (t) => {
  const first = await build(t)
  const admin = asAdmin(first.app)
  t.equal((await put(first.app, URL_2020, fengshi(), admin)).statusCode, 201)
  const aggregateUrl = '/v1/aggregates/350803/2020'
  const before = await first.app.inject({ url: aggregateUrl })
  const aggregateTag = String(before.headers.etag)
  const reportTagBefore = String((await first.app.inject({ url: URL_2020 })).headers.etag)
  t.equal((await first.app.inject({ url: aggregateUrl, headers: { 'if-none-match': aggregateTag } })).statusCode, 304)

  // A review changes what GET shows without a new revision: the tag moves with it.
  await first.app.inject({ method: 'POST', url: `${URL_2020}/review`, headers: admin, payload: { action: 'accept' } })
  const reviewed = await first.app.inject({ url: URL_2020, headers: { 'if-none-match': reportTagBefore } })
  t.equal(reviewed.statusCode, 200, 'the tag read before the review is stale')
  t.equal(reviewed.json().status, 'accepted')
  const afterReview = await put(first.app, URL_2020, fengshi(), { ...admin, 'if-match': reportTagBefore })
  t.equal(afterReview.statusCode, 412, 'and a write based on it is refused')
  await first.app.close()

  // Another process on the same file, after a restart: other data must never get the old tag.
  const second = await buildApp({ ...DEFAULT_CONFIG, port: 0, databasePath: first.databasePath, logLevel: 'silent' })
  t.teardown(() => second.close())
  const other = { ...fengshi(), unit: '350803101' }
  t.equal((await put(second, '/v1/reports/350803101/2020', other, tokenFor(second, 'admin').headers)).statusCode, 201)
  const after = await second.inject({ url: aggregateUrl, headers: { 'if-none-match': aggregateTag } })
  t.equal(after.statusCode, 200, 'the old tag gets the new data')
  t.not(after.headers.etag, aggregateTag)
  t.equal(
    (await second.inject({ url: aggregateUrl, headers: { 'if-none-match': String(after.headers.etag) } })).statusCode,
    304
  )
})

t.test('concurrent PUTs are committed together, each decided as if alone', async (t) => {
  const { app } = await build(t)
  // The writer's group commits: the batch's, not each PUT's savepoint.
  t.equal((await put(app, '/v1/reports/350803103/2020', { ...fengshi(), unit: '350803103' })).statusCode, 201)
  const before = app.writer.commits()
  t.equal(before, 1, 'one commit for one PUT')
  const amended = edit(fengshi(), (r) => ((r.meta ??= {}).title = 'a second version'))
  const broken = edit({ ...fengshi(), unit: '350803101' }, (r) => {
    ;(r.requests.received as CellTree).total = 999
  })
  const other = { ...fengshi(), unit: '350803102' }
  const [first, second, refused, third] = await Promise.all([
    put(app, URL_2020, fengshi()),
    put(app, URL_2020, amended),
    put(app, '/v1/reports/350803101/2020', broken),
    put(app, '/v1/reports/350803102/2020', other)
  ])
  t.equal(app.writer.commits() - before, 1, 'one transaction, one fsync, for the four')
  t.equal(first.statusCode, 201)
  t.equal(second.statusCode, 200, 'the second version of the same report, decided after the first')
  t.equal(second.json().revision, 2)
  t.equal(refused.statusCode, 422, 'a refused one changes nothing of the others')
  t.equal(third.statusCode, 201)
  t.equal(await revisionCount(app, URL_2020), 2)
  t.equal(await revisionCount(app, '/v1/reports/350803101/2020'), 0)
  t.equal((await get(app, URL_2020)).json().meta.title, 'a second version')
})

t.test('a write by another process shows in the cached aggregate from the next turn of the event loop', async (t) => {
  const first = await build(t)
  t.equal((await put(first.app, URL_2020, fengshi())).statusCode, 201)
  const aggregateUrl = '/v1/aggregates/350803/2020'
  const count = async () => (await first.app.inject({ url: aggregateUrl })).json().coverage.submitted as number
  t.equal(await count(), 1)
  t.equal(await count(), 1, 'a cached answer')
  // A second server on the same file stands for any other process (a CLI, another instance).
  const second = await buildApp({ ...DEFAULT_CONFIG, port: 0, databasePath: first.databasePath, logLevel: 'silent' })
  t.teardown(() => second.close())
  const other = { ...fengshi(), unit: '350803101' }
  t.equal((await put(second, '/v1/reports/350803101/2020', other, tokenFor(second, 'admin').headers)).statusCode, 201)
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(await count(), 2, 'the other process’s report is summed')
})

t.test('a PUT that lands between a review’s read and its write is a 409, never a 500', async (t) => {
  const { app } = await build(t)
  t.equal((await put(app, URL_2020, fengshi())).statusCode, 201)
  const { reports } = app.repos
  const read = reports.head.bind(reports)
  // The review route reads the head, then writes: a new revision is stored in between, as a
  // second process on the same file could (in one process the two are synchronous).
  reports.head = (unit, year) => {
    const seen = read(unit, year)
    reports.head = read
    createSubmissions(app.repos, () => app.now()).submit(
      edit(fengshi(), (r) => ((r.meta ??= {}).title = 'amended meanwhile')),
      {
        context: { actor: null, requestId: 'race', clientAddress: '127.0.0.1' }
      }
    )
    return seen
  }
  const raced = await review(app, URL_2020, { action: 'accept' })
  t.equal(raced.statusCode, 409)
  t.equal(raced.json().code, 'REVIEW_NOT_ALLOWED')
  t.match(raced.json().detail, /changed while revision 1 was being reviewed/)
  const current = (await get(app, URL_2020)).json()
  t.same([current.revision, current.status, current.lastReview], [2, 'submitted', null], 'the review stored nothing')
  t.equal(
    (await review(app, URL_2020, { action: 'accept' })).statusCode,
    200,
    'a review of what is current goes through'
  )
})

t.test('the review queue: submitted reports under a division, the longest waiting first', async (t) => {
  const time = clock('2022-01-05T01:00:00Z')
  const { app } = await build(t, { now: time.now })
  const units = ['350803110', '350803109', '350803111']
  for (const [i, unit] of units.entries()) {
    time.set(`2022-01-0${5 + i}T01:00:00Z`)
    t.equal((await put(app, `/v1/reports/${unit}/2021`, sample(unit, 2021, 'gb2021', i + 1))).statusCode, 201)
  }
  // A draft and an accepted report are not waiting.
  await put(app, '/v1/reports/350803112/2021', { ...sample('350803112', 2021, 'gb2021'), status: 'draft' })
  await put(app, '/v1/reports/350803113/2021', sample('350803113', 2021, 'gb2021'))
  await review(app, '/v1/reports/350803113/2021', { action: 'accept' })
  // Returned, then resubmitted: it waits from its resubmission, and says what it answers.
  time.set('2022-01-10T01:00:00Z')
  t.equal((await review(app, '/v1/reports/350803110/2021', { action: 'return', comment: '请核对' })).statusCode, 200)
  await put(
    app,
    '/v1/reports/350803110/2021',
    edit(sample('350803110', 2021, 'gb2021', 1), (r) => {
      r.narrative = { ...r.narrative, other: '已核对。' }
    })
  )

  const district = tokenFor(app, 'district', '350803')
  const queue = (query: string, headers = district.headers) => app.inject({ url: `/v1/review-queue?${query}`, headers })
  const first = await queue('under=350803&year=2021&limit=2')
  t.equal(first.statusCode, 200)
  t.same(
    first.json().items.map((i: { unit: string }) => i.unit),
    ['350803109', '350803111'],
    'oldest first'
  )
  t.match(first.json().items[0], {
    unitName: String,
    revision: 1,
    template: 'gb2021',
    waitingSince: '2022-01-06T09:00:00.000+08:00',
    errorCount: 0,
    lastReview: null
  })
  t.equal(first.json().items[0].openFindings, first.json().items[0].warningCount, 'no warning explained yet')
  const second = await queue(`under=350803&year=2021&limit=2&cursor=${first.json().nextCursor}`)
  t.same(
    second.json().items.map((i: { unit: string }) => i.unit),
    ['350803110']
  )
  t.match(second.json().items[0], { revision: 2, lastReview: { action: 'return', comment: '请核对', revision: 1 } })
  t.equal(second.json().nextCursor, null)

  t.equal((await queue('under=350803')).json().items.length, 3, 'every year when none is given')
  t.equal((await queue('under=350802')).statusCode, 403, 'outside the token’s scope')
  t.equal((await queue('under=350803', tokenFor(app, 'unit', '350803109').headers)).statusCode, 403, 'not for units')
  t.equal((await app.inject({ url: '/v1/review-queue?under=350803' })).statusCode, 401)
  t.equal((await queue('year=2021')).statusCode, 400, 'under is required')
})

t.test('a return needs a comment; If-None-Match: * creates only', async (t) => {
  const { app } = await build(t)
  const report = sample('350803109', 2021, 'gb2021')
  const url = '/v1/reports/350803109/2021'
  t.equal((await put(app, url, report, { 'if-none-match': '*' })).statusCode, 201, 'created')
  const again = await put(
    app,
    url,
    edit(report, (r) => (r.narrative = { other: '二' })),
    { 'if-none-match': '*' }
  )
  t.equal(again.statusCode, 412, 'a second create is refused')
  t.equal(await revisionCount(app, url), 1)

  for (const comment of [undefined, '   ']) {
    const refused = await review(app, url, comment === undefined ? { action: 'return' } : { action: 'return', comment })
    t.equal(refused.statusCode, 400)
    t.match(refused.json().errors, [{ pointer: '/comment', message: /required to return/ }])
  }
  t.equal((await get(app, url)).json().status, 'submitted', 'nothing changed')
})

t.test('GET /v1/tokens/current: the caller’s own token', async (t) => {
  const { app } = await build(t)
  const unit = tokenFor(app, 'unit', '350803109')
  const mine = await app.inject({ url: '/v1/tokens/current', headers: unit.headers })
  t.equal(mine.statusCode, 200)
  t.match(mine.json(), {
    id: unit.id,
    role: 'unit',
    scope: '350803109',
    division: { code: '350803109', name: '峰市镇', level: 'township' }
  })
  t.notOk('token' in mine.json(), 'never the secret')
  t.equal(mine.headers['cache-control'], 'no-store')
  t.match((await app.inject({ url: '/v1/tokens/current', headers: asAdmin(app) })).json(), {
    role: 'admin',
    division: null
  })
  t.equal((await app.inject({ url: '/v1/tokens/current' })).statusCode, 401)
})

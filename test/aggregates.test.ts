// Aggregates, coverage, deadlines and exports: sums checked against sums computed here from
// the submitted reports themselves, the deadline boundary, and CSV read back.
import Database from 'better-sqlite3'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { keep } from '../src/db/repositories/kept.js'
import { cellRowOf, cellValues, readCell, type Report, type ReportStatus } from '../src/domain/report.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { ALL_CELLS, TEMPLATES } from '../src/domain/templates.js'
import { asAdmin, build, clock, fengshi, tokenFor } from './helper.js'

const DISTRICT = '350803'
const put = (app: FastifyInstance, report: Report | (Omit<Report, 'status'> & { status: string })) =>
  app.inject({
    method: 'PUT',
    url: `/v1/reports/${report.unit}/${report.year}`,
    payload: report as object,
    headers: asAdmin(app)
  })

/** The value at a dotted path of an aggregate body. */
function at(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], body)
}

/** Sums computed from the reports themselves, as the district office would add them up by hand. */
function expectedSums(reports: Report[]) {
  const sums = new Map<string, number>()
  for (const report of reports) {
    for (const { cell, value } of cellValues(report)) {
      const key = cell.table === 'proactive' ? `${report.template}:${cell.code}` : cell.code
      sums.set(key, (sums.get(key) ?? 0) + (value ?? 0))
    }
  }
  return sums
}

/** Twelve townships of 永定区 with reports for 2021: nine gb2021, three still on gb2019, the last two drafts. */
function district2021(): { submitted: Report[]; drafts: Report[] } {
  const units = [
    '350803001',
    '350803101',
    '350803102',
    '350803103',
    '350803104',
    '350803105',
    '350803106',
    '350803107',
    '350803108',
    '350803109',
    '350803110',
    '350803111'
  ]
  const reports = units.map((unit, i) =>
    sampleReport({
      unit,
      year: 2021,
      template: i % 4 === 3 ? 'gb2019' : 'gb2021',
      random: seededRandom(100 + i),
      scale: 5 + i,
      status: i >= 10 ? 'draft' : 'submitted'
    })
  )
  return {
    submitted: reports.filter((r) => r.status === 'submitted'),
    drafts: reports.filter((r) => r.status === 'draft')
  }
}

t.test('a district aggregate equals the sums of its submitted reports', async (t) => {
  const time = clock('2022-01-20T02:00:00Z')
  const { app } = await build(t, { now: time.now })
  const { submitted, drafts } = district2021()
  for (const report of [...submitted, ...drafts]) t.ok((await put(app, report)).statusCode < 300)

  const response = await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021` })
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same(body.scope, { code: DISTRICT, name: '永定区', level: 'district' })
  t.same(body.statuses, ['submitted', 'accepted'])
  t.same(body.coverage, { expected: 24, submitted: 10, accepted: 0, onTime: 10, late: 0, missing: 14 })
  t.same(body.templates, { gb2019: 2, gb2021: 8 })
  t.equal(body.incompleteCells, 0)

  const expected = expectedSums(submitted)
  let checked = 0
  for (const cell of ALL_CELLS) {
    if (cell.table === 'proactive') {
      for (const id of ['gb2019', 'gb2021'] as const) {
        if (!TEMPLATES[id].cells.some((c) => c.code === cell.code)) continue
        const got = at(body.proactive[id], cell.code.slice('proactive.'.length))
        t.equal(got, cell.additive ? (expected.get(`${id}:${cell.code}`) ?? 0) : null, `${id} ${cell.code}`)
        checked++
      }
    } else {
      const path = cell.code.replace(
        /^requests\.outcomes\.other\.(naturalPerson|commercial|research|nonprofit|legalService|otherOrg|total)$/,
        'requests.outcomes.other.unclassified.$1'
      )
      t.equal(at(body, path), expected.get(cell.code) ?? 0, cell.code)
      checked++
    }
  }
  t.ok(checked > ALL_CELLS.length, `${checked} cells checked`)
  t.ok((at(body, 'requests.outcomes.other.unclassified.total') as number) > 0, 'gb2019 （六） is kept apart')
  t.ok((at(body, 'requests.outcomes.other.overdueFee.total') as number) > 0)

  const total = expected.get('requests.outcomes.total.total')!
  t.equal(
    body.indicators.disclosureRate,
    Math.round(
      ((expected.get('requests.outcomes.granted.total')! + expected.get('requests.outcomes.partiallyGranted.total')!) /
        total) *
        1e6
    ) / 1e6
  )
  t.equal(
    body.indicators.backlogRate,
    Math.round(
      (expected.get('requests.carriedForward.total')! /
        (expected.get('requests.received.total')! + expected.get('requests.carriedOver.total')!)) *
        1e6
    ) / 1e6
  )

  t.test('the same sums at every level above, and for the whole country', async (t) => {
    for (const code of ['3508', '35', 'cn']) {
      const above = (await app.inject({ url: `/v1/aggregates/${code}/2021` })).json()
      t.same(above.requests, body.requests, code)
      t.same(above.proactive, body.proactive, code)
      t.equal(above.coverage.submitted, 10)
    }
    t.equal((await app.inject({ url: '/v1/aggregates/cn/2021' })).json().coverage.expected, 41352)
  })

  t.test('a township’s aggregate is its own report', async (t) => {
    const own = (await app.inject({ url: `/v1/aggregates/${submitted[0]!.unit}/2021` })).json()
    t.same(own.coverage, { expected: 1, submitted: 1, accepted: 0, onTime: 1, late: 0, missing: 0 })
    t.equal(own.requests.received.total, (submitted[0]!.requests.received as Record<string, number>).total)
  })

  t.test('groupBy=child lists every township, those without reports too', async (t) => {
    const grouped = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021?groupBy=child` })).json()
    t.equal(grouped.items.length, 24)
    const bySum = grouped.items.reduce(
      (n: number, item: { requests: { received: { total: number } } }) => n + item.requests.received.total,
      0
    )
    t.equal(bySum, body.requests.received.total)
    const empty = grouped.items.find((item: { scope: { code: string } }) => item.scope.code === '350803201')
    t.same(empty.coverage, { expected: 1, submitted: 0, accepted: 0, onTime: 0, late: 0, missing: 1 })
    t.same(empty.templates, { gb2019: 0, gb2021: 0 })
    t.same(empty.proactive, { gb2019: null, gb2021: null })
    const provinces = (await app.inject({ url: '/v1/aggregates/cn/2021?groupBy=child' })).json()
    t.equal(provinces.items.length, 31)
    t.equal(provinces.items.find((p: { scope: { code: string } }) => p.scope.code === '35').coverage.submitted, 10)
    const children = await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/children` })
    t.same(children.json(), grouped, 'GET …/children says the same as groupBy=child')
    t.notOk('coverage' in grouped, 'and only that: no sums of the division beside the items')
    t.equal(
      (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/children?groupBy=child` })).statusCode,
      400,
      '…/children takes no groupBy'
    )
  })

  t.test('status filter: drafts only for a token that covers the division', async (t) => {
    const anonymous = await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021?status=draft` })
    t.equal(anonymous.statusCode, 403)
    const drafts2 = (
      await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021?status=draft`, headers: asAdmin(app) })
    ).json()
    t.same(drafts2.templates, { gb2019: 1, gb2021: 1 })
    t.equal(drafts2.requests.received.total, expectedSums(drafts).get('requests.received.total'))
    const onlySubmitted = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021?status=submitted` })).json()
    t.same(onlySubmitted.statuses, ['submitted'])
    t.equal(onlySubmitted.requests.received.total, body.requests.received.total)
  })

  t.test('fresh on read: acceptance, amendment and a new report show at once', async (t) => {
    const first = submitted[0]!
    await app.inject({
      method: 'POST',
      url: `/v1/reports/${first.unit}/2021/review`,
      headers: asAdmin(app),
      payload: { action: 'accept' }
    })
    t.equal((await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021` })).json().coverage.accepted, 1)
    const amended = structuredClone(first)
    ;(amended.appeals.reconsideration as Record<string, number>).upheld! += 5
    ;(amended.appeals.reconsideration as Record<string, number>).total! += 5
    t.equal((await put(app, { ...amended, amendmentReason: '补报' } as Report)).statusCode, 200)
    const after = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021` })).json()
    t.equal(after.appeals.reconsideration.upheld, body.appeals.reconsideration.upheld + 5)
    t.equal(after.coverage.accepted, 0, 'the amendment is submitted again')
  })

  t.test('the incremental rollups equal a rebuild from scratch', async (t) => {
    const before = (await app.inject({ url: `/v1/aggregates/cn/2021?groupBy=child` })).json()
    app.repos.rollups.rebuild()
    const after = (await app.inject({ url: `/v1/aggregates/cn/2021?groupBy=child` })).json()
    t.same(after, before)
    const district = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021?groupBy=child` })).json()
    t.equal(district.items.length, 24)
  })
})

t.test('revisions of one report keep the rollups equal to a rebuild, a content seen before included', async (t) => {
  const { app } = await build(t)
  const sample = (seed: number) =>
    sampleReport({ unit: '350803101', year: 2021, template: 'gb2021', random: seededRandom(seed) })
  const rollups = () =>
    app.repos.rollups
      .read(['cn', '35', '3508', DISTRICT, '350803101'], 2021, 2021)
      .sort((a, b) => `${a.divisionCode}${a.status}`.localeCompare(`${b.divisionCode}${b.status}`))
  // New content, other content, the first content again (its cells kept by its hash since
  // revision 1: the "before" side must still be revision 2's), a draft, then new content.
  const steps = [sample(1), sample(2), sample(1), { ...sample(2), status: 'draft' as const }, sample(3)]
  for (const [i, report] of steps.entries()) {
    const response = await put(app, report)
    t.equal(response.statusCode, i === 0 ? 201 : 200, `revision ${i + 1}`)
    const incremental = rollups()
    app.repos.rollups.rebuild()
    t.same(rollups(), incremental, `after revision ${i + 1}`)
  }
  const body = (await app.inject({ url: `/v1/aggregates/350803101/2021` })).json()
  t.equal(
    body.requests.received.total,
    readCell(steps[4]!, ['requests', 'received', 'total']),
    'the last revision counts'
  )
})

t.test('indicators with zero denominators are null', async (t) => {
  const { app } = await build(t)
  await put(app, fengshi())
  const body = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2020` })).json()
  t.same(body.indicators, {
    disclosureRate: null,
    reconsiderationCorrectionRate: null,
    litigationCorrectionRate: null,
    backlogRate: null
  })
  t.equal(body.proactive.gb2019.procurement.projects, 1)
  t.equal(body.proactive.gb2019.procurement.amount, null, 'amounts without a unit are not summed')
  const empty = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2019` })).json()
  t.same(empty.coverage, { expected: 24, submitted: 0, accepted: 0, onTime: 0, late: 0, missing: 24 })
  t.equal(empty.requests.received.total, 0)
  t.equal(empty.indicators.disclosureRate, null)
})

t.test('null cells are counted as incomplete, not as zero reports', async (t) => {
  const { app } = await build(t)
  const report = structuredClone(fengshi())
  ;(report.appeals.reconsideration as Record<string, number | null>).pending = null
  ;(report.proactive.fees as Record<string, number | null>).change = null
  await put(app, report)
  t.equal((await app.inject({ url: `/v1/aggregates/${DISTRICT}/2020` })).json().incompleteCells, 2)
})

t.test('deadlines and coverage', async (t) => {
  const time = clock('2022-01-31T15:59:59Z') // 23:59:59 on 31 January 2022, Beijing time
  const { app } = await build(t, { now: time.now })
  const report = (unit: string) =>
    sampleReport({ unit, year: 2021, template: 'gb2021', random: seededRandom(Number(unit.slice(-3))) })
  await put(app, report('350803101'))
  time.set('2022-01-31T16:00:00Z') // one second later
  await put(app, report('350803102'))
  await put(app, { ...report('350803103'), status: 'draft' })
  await put(app, report('350802001')) // another district

  t.test('23:59:59 on 31 January is on time, one second later is late', async (t) => {
    const counts = (await app.inject({ url: `/v1/coverage/${DISTRICT}/2021` })).json().counts
    t.same(counts, { expected: 24, submitted: 2, accepted: 0, onTime: 1, late: 1, missing: 22 })
  })

  t.test('every township is listed with its state, paged', async (t) => {
    const all = (await app.inject({ url: `/v1/coverage/${DISTRICT}/2021?limit=100` })).json()
    t.equal(all.items.length, 24)
    t.equal(all.nextCursor, null)
    const byCode = Object.fromEntries(all.items.map((i: { code: string }) => [i.code, i]))
    t.match(byCode['350803101'], {
      state: 'submitted',
      onTime: true,
      revision: 1,
      template: 'gb2021',
      submittedAt: '2022-01-31T23:59:59.000+08:00',
      deadline: '2022-01-31'
    })
    t.match(byCode['350803102'], { state: 'submitted', onTime: false })
    t.match(
      byCode['350803103'],
      { state: 'missing', revision: null, template: null },
      'a draft is no public fact: missing to the public'
    )
    t.match(byCode['350803001'], {
      state: 'missing',
      revision: null,
      template: null,
      name: '凤城街道',
      districtCode: DISTRICT
    })
    const pages: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ code: string }>; nextCursor: string | null } = (
        await app.inject({ url: `/v1/coverage/${DISTRICT}/2021?limit=10${cursor ? `&cursor=${cursor}` : ''}` })
      ).json()
      pages.push(...page.items.map((i) => i.code))
      cursor = page.nextCursor
    } while (cursor)
    t.same(
      pages,
      all.items.map((i: { code: string }) => i.code)
    )
    const states = async (state: string, headers: Record<string, string> = {}) =>
      (await app.inject({ url: `/v1/coverage/${DISTRICT}/2021?state=${state}&limit=100`, headers }))
        .json()
        .items.map((i: { code: string }) => i.code)
    t.same(await states('late'), ['350803102'])
    t.same(await states('onTime'), ['350803101'])
    t.same(await states('draft'), [], 'the public is not told of drafts')
    t.equal((await states('missing')).length, 22)
    const district = tokenFor(app, 'district', DISTRICT).headers
    t.same(await states('draft', district), ['350803103'], 'the district sees its drafts')
    t.equal((await states('missing', district)).length, 21)
    const own = (await app.inject({ url: `/v1/coverage/${DISTRICT}/2021?limit=100`, headers: district })).json()
    t.match(
      own.items.find((i: { code: string }) => i.code === '350803103'),
      { state: 'draft', revision: 1, template: 'gb2021' }
    )
    const neighbour = tokenFor(app, 'district', '350802').headers
    t.same(await states('draft', neighbour), [], 'another district does not')
    t.same(
      await states('draft', tokenFor(app, 'unit', '350803103').headers),
      ['350803103'],
      'nor does any unit but its own'
    )
    t.same(await states('draft', tokenFor(app, 'unit', '350803101').headers), [])
    t.same(await states('draft', asAdmin(app)), ['350803103'])
    const city = (await app.inject({ url: '/v1/coverage/3508/2021?state=submitted' })).json()
    t.same(
      city.items.map((i: { code: string }) => i.code),
      ['350802001', '350803101', '350803102']
    )
  })

  t.test('a district deadline re-judges its reports, and only its own', async (t) => {
    const district = { authorization: asAdmin(app).authorization }
    const set = await app.inject({
      method: 'PUT',
      url: `/v1/deadlines/${DISTRICT}/2021`,
      headers: district,
      payload: { date: '2022-02-15' }
    })
    t.equal(set.statusCode, 200)
    t.match(set.json(), { code: DISTRICT, year: 2021, date: '2022-02-15', source: 'district', changed: 1 })
    t.same((await app.inject({ url: `/v1/coverage/${DISTRICT}/2021` })).json().counts.late, 0)
    t.same((await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021` })).json().coverage.onTime, 2)
    t.match((await app.inject({ url: `/v1/deadlines/${DISTRICT}/2021` })).json(), {
      date: '2022-02-15',
      source: 'district'
    })
    t.match((await app.inject({ url: '/v1/deadlines/350802/2021' })).json(), { date: '2022-01-31', source: 'default' })
    const items = (await app.inject({ url: `/v1/coverage/3508/2021?state=submitted` })).json().items
    t.same(
      items.map((i: { deadline: string }) => i.deadline),
      ['2022-01-31', '2022-02-15', '2022-02-15']
    )
    const audit = (await app.inject({ url: '/v1/audit?action=deadline.set', headers: asAdmin(app) })).json()
    t.match(audit.items[0], {
      target: `${DISTRICT}/2021`,
      detail: { date: '2022-02-15', previous: '2022-01-31', changed: 1 }
    })
    t.same(
      (await app.inject({ url: '/v1/aggregates/cn/2021' })).json().coverage,
      { expected: 41352, submitted: 3, accepted: 0, onTime: 2, late: 1, missing: 41349 },
      '350802001 is still judged by the default deadline'
    )
    const rebuilt = (await app.inject({ url: `/v1/aggregates/cn/2021?groupBy=child` })).json()
    app.repos.rollups.rebuild()
    t.same(
      (await app.inject({ url: `/v1/aggregates/cn/2021?groupBy=child` })).json(),
      rebuilt,
      'rollups agree with a rebuild'
    )
    const back = await app.inject({
      method: 'PUT',
      url: `/v1/deadlines/${DISTRICT}/2021`,
      headers: district,
      payload: { date: '2022-01-31' }
    })
    t.equal(back.json().changed, 1)
  })

  t.test('bad deadlines', async (t) => {
    const admin = asAdmin(app)
    const cases: Array<[string, object, number, string | null]> = [
      [`/v1/deadlines/${DISTRICT}/2021`, { date: '2022-02-30' }, 400, '/date'],
      [`/v1/deadlines/${DISTRICT}/2021`, { date: '15/02/2022' }, 400, '/date'],
      [`/v1/deadlines/${DISTRICT}/2021`, { date: '2021-12-31' }, 400, '/date'],
      [`/v1/deadlines/${DISTRICT}/2021`, {}, 400, '/date'],
      ['/v1/deadlines/3508/2021', { date: '2022-02-15' }, 400, '/code'],
      ['/v1/deadlines/350899/2021', { date: '2022-02-15' }, 404, null]
    ]
    for (const [url, payload, status, pointer] of cases) {
      const response = await app.inject({ method: 'PUT', url, headers: admin, payload })
      t.equal(response.statusCode, status, `${url} ${JSON.stringify(payload)}`)
      if (pointer)
        t.ok(
          response.json().errors.some((e: { pointer: string }) => e.pointer === pointer),
          pointer
        )
    }
    const unit = await app.inject({
      method: 'PUT',
      url: `/v1/deadlines/${DISTRICT}/2021`,
      payload: { date: '2022-02-15' }
    })
    t.equal(unit.statusCode, 401)
  })
})

t.test('series and bad aggregate requests', async (t) => {
  const { app } = await build(t)
  await put(app, fengshi())
  await put(
    app,
    sampleReport({ unit: '350803109', year: 2021, template: 'gb2021', random: seededRandom(9), previous: fengshi() })
  )
  const series = (await app.inject({ url: `/v1/aggregates/${DISTRICT}?from=2019&to=2022` })).json()
  t.same(
    series.items.map((i: { year: number; coverage: { submitted: number } }) => [i.year, i.coverage.submitted]),
    [
      [2019, 0],
      [2020, 1],
      [2021, 1],
      [2022, 0]
    ]
  )
  t.same(series.items[1].templates, { gb2019: 1, gb2021: 0 })

  const bad: Array<[string, number, string | null]> = [
    [`/v1/aggregates/${DISTRICT}?from=2022&to=2020`, 400, '/from'],
    [`/v1/aggregates/${DISTRICT}?from=2019&to=2039`, 400, '/to'],
    [`/v1/aggregates/${DISTRICT}?from=2019`, 400, '/to'],
    [`/v1/aggregates/${DISTRICT}/2021?status=lost`, 400, '/status'],
    [`/v1/aggregates/${DISTRICT}/2021?status=submitted,,accepted`, 400, '/status'],
    [`/v1/aggregates/${DISTRICT}/2021?groupBy=parent`, 400, '/groupBy'],
    [`/v1/aggregates/${DISTRICT}/2021?extra=1`, 400, '/extra'],
    [`/v1/aggregates/${DISTRICT}/2018`, 400, '/year'],
    ['/v1/aggregates/zz/2021', 400, '/code'],
    ['/v1/aggregates/350899/2021', 404, null],
    ['/v1/coverage/350899/2021', 404, null],
    [`/v1/coverage/${DISTRICT}/2021?state=lost`, 400, '/state']
  ]
  for (const [url, status, pointer] of bad) {
    const response = await app.inject({ url })
    t.equal(response.statusCode, status, url)
    if (pointer)
      t.ok(
        response.json().errors?.some((e: { pointer: string }) => e.pointer === pointer),
        `${url} names ${pointer}`
      )
  }
})

t.test('exports read back to the stored cells', async (t) => {
  const { app } = await build(t)
  const { submitted, drafts } = district2021()
  for (const report of [...submitted, ...drafts, fengshi()]) await put(app, report)
  const stored = [...submitted].sort((a, b) => a.unit.localeCompare(b.unit))

  t.test('cells.csv: one row per cell, UTF-8 with BOM, CRLF', async (t) => {
    const response = await app.inject({ url: '/v1/exports/cells.csv?year=2021' })
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /^text\/csv; charset=utf-8/)
    t.match(response.headers['content-disposition'], /cells\.csv/)
    t.equal(response.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'starts with a BOM')
    t.match(response.body, /\r\n/)
    const rows = parse<Record<string, string>>(response.body, { bom: true, columns: true })
    t.equal(
      rows.length,
      stored.reduce((n, r) => n + TEMPLATES[r.template].cells.length, 0),
      'drafts are not exported'
    )
    for (const report of stored) {
      for (const { cell, value } of cellValues(report)) {
        const row = rows.find((r) => r.unit === report.unit && r.cell === cell.code)
        if (!row) {
          t.fail(`${report.unit} ${cell.code} missing`)
          continue
        }
        if (Number(row.value) !== value) t.fail(`${report.unit} ${cell.code}: ${row.value} ≠ ${value}`)
      }
    }
    const one = rows.find((r) => r.unit === '350803001' && r.cell === 'requests.received.total')!
    t.match(one, {
      unitName: '凤城街道',
      districtCode: DISTRICT,
      districtName: '永定区',
      year: '2021',
      template: 'gb2021',
      status: 'submitted',
      revision: '1'
    })
    t.equal(one.label, '一、本年新收政府信息公开申请数量 · 总计')
  })

  t.test('reports.csv: one row per report, one column per cell, Chinese headers on request', async (t) => {
    const response = await app.inject({ url: '/v1/exports/reports.csv?under=350803&year=2021' })
    const rows = parse<Record<string, string>>(response.body, { bom: true, columns: true })
    t.same(
      rows.map((r) => r.unit),
      stored.map((r) => r.unit)
    )
    for (const [i, report] of stored.entries()) {
      for (const { cell, value } of cellValues(report))
        t.equal(Number(rows[i]![cell.code]), value, `${report.unit} ${cell.code}`)
    }
    const gb2019 = rows.find((r) => r.template === 'gb2019')!
    t.equal(gb2019['proactive.fees.amount'], '', 'cells of the other template are empty')
    const zh = await app.inject({ url: '/v1/exports/reports.csv?year=2021&labels=zh' })
    const header = parse(zh.body, { bom: true, to: 1 })[0]!
    t.equal(header[0], '单位代码')
    t.ok(header.includes('三、本年度办理结果 （三）不予公开 1.属于国家秘密 · 自然人'))
    t.equal(header.length, 10 + ALL_CELLS.length)
  })

  t.test('reports.ndjson: one canonical report per line', async (t) => {
    const response = await app.inject({ url: '/v1/exports/reports.ndjson?status=submitted' })
    t.match(response.headers['content-type'], /application\/x-ndjson/)
    const lines = response.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    t.equal(lines.length, stored.length + 1, 'both years')
    t.same(lines[0].meta, fengshi().meta, '2020 first')
    t.same(lines[0].requests, fengshi().requests)
    t.equal(lines[1].revision, 1)
    t.equal(
      (await app.inject({ url: '/v1/exports/reports.ndjson?status=draft' })).statusCode,
      400,
      'drafts are never exported'
    )
  })

  t.test('an empty export is a header only', async (t) => {
    const response = await app.inject({ url: '/v1/exports/reports.csv?year=2019' })
    t.equal(parse(response.body, { bom: true }).length, 1)
  })
})

t.test('the compiled report: the national form of the year, filled with the district’s sums', async (t) => {
  const { app } = await build(t)
  const { submitted } = district2021()
  for (const report of submitted) await put(app, report)
  const expected = expectedSums(submitted)
  const aggregate = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021` })).json()

  t.test('HTML: merged headers, one 二 per template, the unclassified row, coverage', async (t) => {
    const response = await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/report.html` })
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /text\/html/)
    const html = response.body
    t.match(html, /永定区2021年政府信息公开工作年度报告统计表（汇总）/)
    t.match(
      html,
      /<th rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）<\/th>/
    )
    t.match(html, /按2019年格式报送的2个单位/)
    t.match(html, /按2021年格式报送的8个单位/)
    t.match(html, /@page \{ size: A4/)
    const row = (label: string) =>
      [...html.matchAll(new RegExp(`<td[^>]*>${label}</td>((?:<td>[^<]*</td>){7})`, 'g'))][0]?.[1]
        ?.match(/<td>([^<]*)<\/td>/g)
        ?.map((c) => c.replace(/<\/?td>/g, ''))
    const received = ['naturalPerson', 'commercial', 'research', 'nonprofit', 'legalService', 'otherOrg', 'total'].map(
      (c) => String(expected.get(`requests.received.${c}`))
    )
    t.same(row('一、本年新收政府信息公开申请数量'), received)
    t.same(row('4.按2019年格式报送、未细分'), Object.values(aggregate.requests.outcomes.other.unclassified).map(String))
    t.match(html, new RegExp(`应报送的24个乡镇（街道）中已报送的10个`))
    t.match(html, /未报送（或仅有草稿、被退回）14个：[^；]*西溪乡/, 'names who is missing')
  })

  t.test('Markdown and CSV carry the same figures', async (t) => {
    const md = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/report.md` })).body
    t.match(
      md,
      new RegExp(`\\| 一、本年新收政府信息公开申请数量 \\| ${expected.get('requests.received.naturalPerson')} \\|`)
    )
    t.match(md, /\| 行政复议 \|/)
    const csv = parse<Record<string, string>>(
      (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/report.csv` })).body,
      { bom: true, columns: true }
    )
    t.equal(
      csv.find((r) => r.code === 'requests.outcomes.total.total')?.value,
      String(expected.get('requests.outcomes.total.total'))
    )
    t.equal(
      csv.find((r) => r.code === 'appeals.reconsideration.total')?.value,
      String(expected.get('appeals.reconsideration.total'))
    )
    t.ok(
      csv.some((r) => r.table === '二' && r.template === 'gb2019') &&
        csv.some((r) => r.table === '二' && r.template === 'gb2021')
    )
  })

  t.test('a 2020 report is laid out on the 2019 form, （六） summing every kind', async (t) => {
    await put(app, fengshi())
    const html = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2020/report.html` })).body
    t.match(html, /第二十条第（九）项/)
    t.notMatch(html, /1\.申请人无正当理由逾期不补正/)
    t.match(html, /本年新制作数量/)
  })
})

t.test('an export walks its pages as ranges of the (year, unit) index, a year fixed or not', async (t) => {
  const { app } = await build(t)
  const units = ['350803101', '350803102', '350803103', '350802001', '350802002']
  for (const year of [2020, 2021]) {
    for (const unit of units)
      await put(
        app,
        sampleReport({
          unit,
          year,
          template: year === 2020 ? 'gb2019' : 'gb2021',
          random: seededRandom(year + Number(unit.slice(-3)))
        })
      )
  }
  const walk = (filter: { year?: number; under?: string }, withBody: boolean) => {
    const seen: string[] = []
    let after: { year: number; unit: string } | undefined
    for (;;) {
      const page = app.repos.exports.page({ ...filter, statuses: ['submitted', 'accepted'] }, after, 2, withBody)
      for (const row of page.rows) {
        seen.push(`${row.head.year}/${row.head.unitCode}`)
        if (withBody) t.equal((row.body as Report).unit, row.head.unitCode, 'the body is the parsed report')
        else t.equal(row.body, null)
      }
      if (!page.next) return seen
      after = page.next
    }
  }
  const sorted = [...units].sort()
  t.same(
    walk({ year: 2021 }, false),
    sorted.map((u) => `2021/${u}`),
    'one year, every unit once, in order'
  )
  t.same(
    walk({}, true),
    [...sorted.map((u) => `2020/${u}`), ...sorted.map((u) => `2021/${u}`)],
    'every year: a row-value keyset'
  )
  t.same(
    walk({ year: 2020, under: '350803' }, true),
    ['2020/350803101', '2020/350803102', '2020/350803103'],
    'a district'
  )
})

t.test('no export page scans a table: every filter is a range of an index', async (t) => {
  const { app, databasePath } = await build(t)
  await put(app, fengshi())
  const db = new Database(databasePath, { readonly: true })
  t.teardown(() => db.close())
  const statuses: ReportStatus[] = ['submitted', 'accepted']
  const cases: Array<[string, { year?: number; under?: string }, { year: number; unit: string } | undefined, boolean]> =
    [
      ['a year, first page', { year: 2021 }, undefined, false],
      ['a year, a later page', { year: 2021 }, { year: 2021, unit: '350803101' }, false],
      ['a province, a later page', { year: 2021, under: '35' }, { year: 2021, unit: '350803101' }, false],
      ['every year, a later page', {}, { year: 2020, unit: '350803101' }, false],
      ['NDJSON of a district, a later page', { year: 2021, under: '350803' }, { year: 2021, unit: '350803101' }, true]
    ]
  for (const [name, filter, after, withBody] of cases) {
    const query = app.repos.exports.query({ ...filter, statuses }, after, 200, withBody).toSQL()
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as Array<{ detail: string }>).map(
      (r) => r.detail
    )
    t.same(
      plan.filter((line) => line.startsWith('SCAN')),
      [],
      `${name}: ${plan.join(' | ')}`
    )
    if (after)
      t.match(
        plan[0],
        /USING INDEX reports_year_unit_idx \(.*(unit_code>\?|\(year,unit_code\)>\(\?,\?\))/,
        `${name}: the cursor is an index range`
      )
  }
})

t.test('a cell row holds what readCell finds at each cell’s path, null for anything else', async (t) => {
  const expected = (report: Report) => ALL_CELLS.map((cell) => readCell(report, cell.path) ?? null)
  for (const template of ['gb2019', 'gb2021'] as const) {
    const report = sampleReport({ unit: '350803101', year: 2021, template, random: seededRandom(7) })
    t.same(cellRowOf(report), expected(report), template)
  }
  // Odd shapes as a stored body could hold them: a branch missing, a leaf that is an object, a
  // string or null where a number goes, a number where an object goes.
  const report = sampleReport({ unit: '350803101', year: 2021, template: 'gb2021', random: seededRandom(8) })
  const odd = structuredClone(report) as unknown as Record<string, Record<string, unknown>>
  delete odd.appeals
  const first = ALL_CELLS[0]!.path
  odd[first[0]!]![first[1]!] = 5
  const [, sample] = ALL_CELLS.filter((cell) => cell.path[0] === 'requests')
  let node = odd as Record<string, unknown>
  for (const key of sample!.path.slice(0, -1)) node = node[key] as Record<string, unknown>
  const leaves = Object.keys(node)
  node[leaves[0]!] = '3'
  if (leaves[1]) node[leaves[1]] = null
  if (leaves[2]) node[leaves[2]] = { total: 1 }
  const row = cellRowOf(odd as unknown as Report)
  t.same(row, expected(odd as unknown as Report))
  t.ok(
    row.some((value) => value !== null),
    'the rest is still read'
  )
})

t.test('what the repositories keep drops its oldest entry when full, not all of it', async (t) => {
  const kept = new Map<string, number>()
  for (const key of ['a', 'b', 'c']) keep(kept, 3, key, 1)
  keep(kept, 3, 'a', 2) // kept again: now the newest
  keep(kept, 3, 'd', 1)
  t.same(
    [...kept],
    [
      ['c', 1],
      ['a', 2],
      ['d', 1]
    ],
    'b, the oldest, dropped'
  )
  for (let i = 0; i < 10; i++) keep(kept, 3, `x${i}`, i)
  t.equal(kept.size, 3)
})

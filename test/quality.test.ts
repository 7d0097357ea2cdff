// Data quality over HTTP: the warnings beyond the template's arithmetic on real submissions,
// the quality endpoint's filters, counts and pages, and reviewers' explanations.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import type { CellTree, Report } from '../src/domain/report.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { asAdmin, build, fengshi, tokenFor } from './helper.js'

const UNITS = ['350803001', '350803101', '350803102', '350803103', '350803104', '350803105', '350803106', '350803107']

/** Two hundred characters of prose no other report shares. */
function prose(seed: number): string {
  const random = seededRandom(seed)
  return Array.from({ length: 200 }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 0x5000))).join('')
}

function report(unit: string, year: number, seed: number, change?: (r: Report) => void): Report {
  const r = sampleReport({ unit, year, template: 'gb2021', random: seededRandom(seed), scale: 10 })
  r.narrative = { overview: prose(seed), problems: prose(seed + 1000), other: '无' }
  // Same-sized figures across the district, so that only what a test changes stands out.
  ;(r.proactive.licensing as CellTree).decisions = 100 + (seed % 7)
  ;(r.proactive.penalties as CellTree).decisions = 20 + (seed % 5)
  change?.(r)
  return r
}

const put = (app: FastifyInstance, r: Report) =>
  app.inject({ method: 'PUT', url: `/v1/reports/${r.unit}/${r.year}`, payload: r as object, headers: asAdmin(app) })

const rules = (response: { json(): { warnings: Array<{ rule: string }> } }) =>
  response.json().warnings.map((w) => w.rule)

t.test('warnings beyond the arithmetic, on real submissions', async (t) => {
  const { app } = await build(t)
  for (const [i, unit] of UNITS.slice(0, 6).entries())
    t.equal((await put(app, report(unit, 2021, i + 1))).statusCode, 201)

  t.test('W-NARRATIVE-COPY names the report copied from', async (t) => {
    const original = report(UNITS[0]!, 2021, 1).narrative!.overview!
    const copied = report(
      UNITS[6]!,
      2021,
      7,
      (r) => (r.narrative!.overview = original.slice(0, 190) + '本镇另加十字说明一下')
    )
    const response = await put(app, copied)
    t.equal(response.statusCode, 201, 'a warning never blocks')
    const warning = response.json().warnings.find((w: { rule: string }) => w.rule === 'W-NARRATIVE-COPY')
    t.match(warning, { cells: ['/narrative/overview'], right: 0.9 })
    t.match(warning.message.zh, new RegExp(`${UNITS[0]}2021年度报告`))
  })

  t.test('W-PEER-OUTLIER flags a figure far from the district', async (t) => {
    const response = await put(
      app,
      report(UNITS[7]!, 2021, 8, (r) => ((r.proactive.licensing as CellTree).decisions = 5000))
    )
    const warning = response.json().warnings.find((w: { rule: string }) => w.rule === 'W-PEER-OUTLIER')
    t.match(warning, { cells: ['/proactive/licensing/decisions'], left: 5000 })
    t.notOk(rules(await put(app, report(UNITS[7]!, 2021, 8))).includes('W-PEER-OUTLIER'), 'an ordinary figure is not')
  })

  t.test('the peers are those of the moment: a draft is none, a returned report no longer', async (t) => {
    // The writer keeps the district's heads between its PUTs: its own new revisions update
    // them, a review committed by the server's other connection makes it read them again.
    const original = report(UNITS[2]!, 2021, 3).narrative!.overview!
    const copying = (seed: number) =>
      report('350803109', 2021, seed, (r) => (r.narrative!.overview = original.slice(0, 190) + '本镇另加十字说明一下'))
    const copies = (response: Awaited<ReturnType<typeof put>>) => rules(response).includes('W-NARRATIVE-COPY')
    // The draft's prose is that of UNITS[2] too (the same seed): once UNITS[2] is returned, only a
    // draft has it.
    const draft = { ...report('350803110', 2021, 3), status: 'draft' as const }
    t.equal((await put(app, draft)).statusCode, 201)
    t.notOk(
      (
        await put(
          app,
          report('350803111', 2021, 4, (r) => (r.narrative!.problems = draft.narrative!.problems))
        )
      )
        .json()
        .warnings.some((w: { message: { zh: string } }) => w.message.zh.includes('350803110')),
      'a draft is no peer'
    )
    t.ok(copies(await put(app, copying(20))), 'copied from a submitted report')
    const returned = await app.inject({
      method: 'POST',
      url: `/v1/reports/${UNITS[2]}/2021/review`,
      headers: asAdmin(app),
      payload: { action: 'return', comment: '请核对' }
    })
    t.equal(returned.statusCode, 200)
    t.notOk(copies(await put(app, copying(21))), 'the returned report is no peer any more')
  })

  t.test('of two peers with the same prose, the copy names the first by code, however they were read', async (t) => {
    const shared = prose(77)
    const withShared = (unit: string, seed: number) => report(unit, 2021, seed, (r) => (r.narrative!.overview = shared))
    t.equal((await put(app, withShared('350803113', 30))).statusCode, 201) // stored after …
    t.equal((await put(app, withShared('350803112', 31))).statusCode, 201) // … the higher code
    const copy = (await put(app, withShared('350803114', 32))).json()
    const named = copy.warnings.find((w: { rule: string }) => w.rule === 'W-NARRATIVE-COPY')
    t.match(named.message.zh, /与350803112/)
  })

  t.test('W-TEXT-TABLE and W-YOY-JUMP', async (t) => {
    const base = report('350803108', 2021, 9)
    await put(app, base)
    const next = report('350803108', 2022, 9, (r) => {
      r.narrative!.overview = `本镇2022年共受理政府信息公开申请999件。${prose(99)}`
      r.requests = structuredClone(base.requests)
      const req = r.requests as Record<string, CellTree>
      req.carriedOver = structuredClone(req.carriedForward!)
      for (const c of Object.keys(req.received!)) {
        req.received![c] =
          ((req.outcomes!.total as CellTree)[c] as number) +
          (req.carriedForward![c] as number) -
          (req.carriedOver[c] as number)
      }
      ;(r.proactive.penalties as CellTree).decisions = 400
    })
    const response = await put(app, next)
    t.equal(response.statusCode, 201, response.body.slice(0, 300))
    const found = response.json().warnings
    t.match(
      found.find((w: { rule: string }) => w.rule === 'W-TEXT-TABLE'),
      { left: 999, cells: ['/narrative/overview', '/requests/received/total'] }
    )
    t.match(
      found.find((w: { rule: string }) => w.rule === 'W-YOY-JUMP'),
      { cells: ['/proactive/penalties/decisions'], left: 400 }
    )
  })
})

t.test('the quality endpoint: every finding under a division, filtered, counted, paged', async (t) => {
  const { app } = await build(t)
  for (const [i, unit] of UNITS.slice(0, 6).entries()) await put(app, report(unit, 2021, i + 1))
  const original = report(UNITS[0]!, 2021, 1).narrative!.overview!
  await put(
    app,
    report(UNITS[6]!, 2021, 7, (r) => (r.narrative!.overview = original))
  )
  await put(
    app,
    report(UNITS[7]!, 2021, 8, (r) => ((r.proactive.licensing as CellTree).decisions = 5000))
  )
  const broken = report('350803108', 2021, 9, (r) => {
    r.status = 'draft'
    ;(r.appeals.reconsideration as CellTree).total = 77
  })
  await put(app, broken)
  await put(app, { ...fengshi(), year: 2021 }) // another template and a W-TEMPLATE-YEAR

  const all = (await app.inject({ url: '/v1/quality/350803/2021?limit=500' })).json()
  const ruleCounts = Object.fromEntries(
    all.counts.byRule.map((r: { rule: string; total: number }) => [r.rule, r.total])
  )
  t.equal(ruleCounts['W-NARRATIVE-COPY'], 1)
  t.same(
    all.items
      .filter((i: { rule: string; unit: string }) => i.rule === 'W-PEER-OUTLIER' && i.unit === UNITS[7])
      .map((i: { cells: string[] }) => i.cells),
    [['/proactive/licensing/decisions']]
  )
  t.ok(ruleCounts['W-PEER-OUTLIER'] >= 1)
  t.equal(ruleCounts['W-TEMPLATE-YEAR'], 1)
  t.notOk('E-APPEAL-TOTAL' in ruleCounts, 'a draft’s errors are private')
  t.equal(all.counts.total, all.items.length)
  t.equal(all.counts.open, all.counts.total)
  t.match(all.items[0], { unitName: String, revision: 1, status: 'submitted', severity: 'warning', explanation: null })

  const withDrafts = (await app.inject({ url: '/v1/quality/350803/2021?limit=500', headers: asAdmin(app) })).json()
  t.match(
    withDrafts.items[0],
    { rule: 'E-APPEAL-TOTAL', severity: 'error', unit: '350803108', status: 'draft' },
    'errors first, for a token that covers the draft'
  )

  const copies = (await app.inject({ url: '/v1/quality/35/2021?rule=W-NARRATIVE-COPY' })).json()
  t.same(
    copies.items.map((i: { unit: string }) => i.unit),
    [UNITS[6]]
  )
  const errors = (await app.inject({ url: '/v1/quality/cn/2021?severity=error', headers: asAdmin(app) })).json()
  t.equal(errors.counts.total, 1)

  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page: { items: Array<{ unit: string; rule: string }>; nextCursor: string | null; counts: { total: number } } =
      (
        await app.inject({
          url: `/v1/quality/350803/2021?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          headers: asAdmin(app)
        })
      ).json()
    t.equal(page.counts.total, withDrafts.counts.total, 'counts cover every page')
    seen.push(...page.items.map((i) => `${i.unit}:${i.rule}`))
    cursor = page.nextCursor
  } while (cursor)
  t.same(
    seen,
    withDrafts.items.map((i: { unit: string; rule: string }) => `${i.unit}:${i.rule}`)
  )

  t.test('a reviewer explains a warning; it stays listed, counted apart, until the report changes', async (t) => {
    const district = tokenFor(app, 'district', '350803')
    const url = `/v1/quality/${UNITS[7]}/2021/explanations`
    const explained = await app.inject({
      method: 'POST',
      url,
      headers: district.headers,
      payload: { rule: 'W-PEER-OUTLIER', comment: '该镇承接了全区行政许可集中办理' }
    })
    t.equal(explained.statusCode, 200)
    t.match(explained.json(), {
      revision: 1,
      rule: 'W-PEER-OUTLIER',
      cell: '/proactive/licensing/decisions',
      explanation: { comment: '该镇承接了全区行政许可集中办理', by: { tokenId: district.id } }
    })
    const after = (await app.inject({ url: '/v1/quality/350803/2021?limit=500' })).json()
    t.equal(after.counts.explained, 1)
    t.equal(after.counts.open, after.counts.total - 1)
    t.match(after.items.find((i: { rule: string }) => i.rule === 'W-PEER-OUTLIER').explanation, {
      comment: '该镇承接了全区行政许可集中办理'
    })
    t.equal((await app.inject({ url: '/v1/quality/350803/2021?state=explained' })).json().items.length, 1)
    const audit = (await app.inject({ url: '/v1/audit?action=finding.explain', headers: asAdmin(app) })).json()
    t.match(audit.items[0], { target: `${UNITS[7]}/2021`, detail: { rule: 'W-PEER-OUTLIER' } })

    await put(
      app,
      report(UNITS[7]!, 2021, 8, (r) => ((r.proactive.licensing as CellTree).decisions = 6000))
    )
    const reopened = (await app.inject({ url: '/v1/quality/350803/2021?rule=W-PEER-OUTLIER' })).json()
    t.match(
      reopened.items.filter((i: { unit: string }) => i.unit === UNITS[7]),
      [{ revision: 2, explanation: null }],
      'a new revision reopens it'
    )

    t.equal(
      (
        await app.inject({
          method: 'POST',
          url,
          headers: district.headers,
          payload: { rule: 'W-YOY-JUMP', comment: 'x' }
        })
      ).statusCode,
      404
    )
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url,
          headers: district.headers,
          payload: { rule: 'E-APPEAL-TOTAL', comment: 'x' }
        })
      ).statusCode,
      400,
      'errors are not explained away'
    )
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url,
          headers: tokenFor(app, 'unit', UNITS[7]).headers,
          payload: { rule: 'W-PEER-OUTLIER', comment: 'x' }
        })
      ).statusCode,
      403
    )
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url,
          headers: tokenFor(app, 'district', '350802').headers,
          payload: { rule: 'W-PEER-OUTLIER', comment: 'x' }
        })
      ).statusCode,
      403
    )
  })

  t.test('bad input', async (t) => {
    for (const [url, status] of [
      ['/v1/quality/350899/2021', 404],
      ['/v1/quality/350803/2021?severity=fatal', 400],
      ['/v1/quality/350803/2021?rule=drop', 400],
      ['/v1/quality/350803/2021?state=closed', 400],
      ['/v1/quality/350803/2021?cursor=abc', 400]
    ] as const) {
      t.equal((await app.inject({ url })).statusCode, status, url)
    }
  })
})

// The entry (填报) and review (审核) pages in Chromium against the real server with demo data: a
// clerk fills a gb2021 report by keyboard and paste and sees the rules live, saves a draft,
// reloads, submits; a stale second tab gets the 412 message; a reviewer returns it with a
// comment, the clerk amends and resubmits, the reviewer accepts, and the district aggregate
// includes it; a unit token cannot open another township. No console error on any page.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import t from 'tap'
import { flatRows } from '../src/domain/render-tables.js'
import { readCell, type Report } from '../src/domain/report.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { TEMPLATES } from '../src/domain/templates.js'
import { buildWebAssets } from '../src/services/web-assets.js'
import { readField } from '../src/domain/cell-value.js'
import { CHROMIUM, demoServer, FLAGS, skipWithoutChromium } from './browser.js'
import { build, fengshi, FIXTURES } from './helper.js'

const YEAR = 2022
const id = (code: string) => `#cell-${code.replaceAll('.', '-')}`

t.test('the clerk’s form and the reviewer’s queue in Chromium', { skip: skipWithoutChromium }, async (t) => {
  const { server, admin } = await demoServer(t, '2020,2021', 'district:350803')
  const call = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}${url}`, init)
    // Parsed JSON checked by the assertions below, as in the other tests.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any }
  }
  const issue = async (role: string, scope: string) =>
    (
      await call('/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role, scope })
      })
    ).body.token as string

  // A township with a public 2021 report, so that 2022 continues from it.
  const listed = await call('/v1/reports?under=350803&year=2021&limit=1')
  const unit: string = listed.body.items[0].unit
  const previous = (await call(`/v1/reports/${unit}/2021`)).body as Report
  const other = (await call('/v1/divisions/350803/children?limit=50')).body.items.find(
    (d: { code: string }) => d.code !== unit
  ).code as string
  const clerkToken = await issue('unit', unit)
  const reviewerToken = await issue('district', '350803')
  const report = sampleReport({ unit, year: YEAR, template: 'gb2021', random: seededRandom(7), previous })
  const figure = (code: string) => readCell(report, code.split('.'))

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } })
  const problems: string[] = []
  /** A new tab that records every console error, except the HTTP statuses this tab is expected to meet. */
  const tab = async (expected: number[] = []) => {
    const page = await context.newPage()
    page.on('pageerror', (error) => problems.push(`page: ${String(error)}`))
    page.on('console', (message) => {
      const text = message.text()
      const status = /status of (\d+)/.exec(text)?.[1]
      if (message.type() === 'error' && !(status && expected.includes(Number(status))))
        problems.push(`console: ${text}`)
    })
    return page
  }
  const signIn = async (page: Page, url: string, token: string) => {
    await page.goto(`${server.url}${url}`)
    await page.fill('#token', token)
    await page.click('#token-form button')
    await page.waitForSelector('#who')
  }
  const classOf = async (page: Page, code: string) =>
    (await page.locator(id(code)).locator('xpath=..').getAttribute('class')) ?? ''
  const paste = (page: Page, code: string, text: string) =>
    page.evaluate(`(() => {
      const input = document.querySelector(${JSON.stringify(id(code))})
      input.focus()
      const data = new DataTransfer()
      data.setData('text/plain', ${JSON.stringify(text)})
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    })()`)
  const banner = (page: Page) => page.locator('#banner')
  const tsv = (table: 'proactive' | 'requests', labels: boolean) =>
    flatRows('gb2021', table)
      .map((row) => [...(labels ? [row.label] : []), ...row.cells.map((c) => String(figure(c.code) ?? ''))].join('\t'))
      .join('\r\n')

  // ── The clerk fills the report ─────────────────────────────────────────────────────────────
  const clerk = await tab([422])
  await signIn(clerk, '/entry', clerkToken)
  t.same(
    await clerk.evaluate(`[...document.querySelectorAll('#unit option')].map((o) => o.value)`),
    [unit],
    'a unit token is offered its own township only'
  )
  await clerk.selectOption('#year', String(YEAR))
  await clerk.click('#pick button[type=submit]')
  await clerk.waitForSelector('#report:not([hidden])')
  t.match(await clerk.textContent('#status'), /尚未保存 · 2021年格式/)
  t.equal(await clerk.locator('#tables td.error, #tables td.warning').count(), 0, 'a fresh form is not a wall of red')

  // Every figure has a label naming its row and column, unique in the form.
  const labels = await clerk.evaluate<string[]>(
    `[...document.querySelectorAll('#tables input')].map((i) => i.getAttribute('aria-label'))`
  )
  t.ok(labels.length > 100 && labels.every(Boolean), `${labels.length} inputs, each labelled`)
  t.equal(new Set(labels).size, labels.length, 'labels are unique')
  t.equal(
    await clerk.evaluate(
      `[...document.querySelectorAll('#document input, #document textarea, #document select')]` +
        `.filter((c) => !c.getAttribute('aria-label') && c.labels.length === 0).length`
    ),
    0,
    'every control of the form has a label'
  )

  await clerk.click('#from-last-year')
  t.equal(
    await clerk.inputValue(id('requests.carriedOver.naturalPerson')),
    String(readCell(previous, ['requests', 'carriedForward', 'naturalPerson'])),
    '从上年带入 fills 上年结转 from last year’s 结转下年度'
  )
  t.match(await clerk.textContent('#chain'), /现行有效件数（据2021年度报告）/, 'the expected 现行有效 chain is shown')

  // 二 and 三 pasted as copied from Excel (三 with its label column, which is skipped).
  await paste(clerk, 'proactive.regulations.issued', tsv('proactive', false))
  t.match(await banner(clerk).textContent(), /已粘贴 \d+ 格/)
  await paste(clerk, 'requests.received.naturalPerson', tsv('requests', true))
  t.match(await banner(clerk).textContent(), /已粘贴 \d+ 格。/, 'every pasted cell accepted')
  t.equal(await clerk.inputValue(id('requests.outcomes.total.total')), String(figure('requests.outcomes.total.total')))

  // 四 typed, moving with the arrow keys; blank stays blank.
  const appeals = flatRows('gb2021', 'appeals').flatMap((row) => row.cells.map((c) => c.code))
  await clerk.click(id(appeals[0]!))
  for (const code of appeals) {
    await clerk.keyboard.type(String(figure(code) ?? ''))
    await clerk.keyboard.press('ArrowRight')
  }
  t.equal(await clerk.inputValue(id(appeals.at(-1)!)), String(figure(appeals.at(-1)!)), 'the last of 四 typed')
  await clerk.fill('#narrative-overview', report.narrative?.overview ?? '本年度政务公开工作稳步推进。')
  await clerk.fill('input[name="title"]', `${YEAR}年政府信息公开工作年度报告`)
  t.match(await clerk.textContent('#error-count'), /错误 0 项/, 'the figures hold together')

  // A wrong total: the error appears at once at its cells, with both sides, and goes when fixed.
  const total = 'requests.outcomes.total.naturalPerson'
  const right = String(figure(total))
  await clerk.click(id(total))
  await clerk.keyboard.press('Control+a')
  await clerk.keyboard.type(String(Number(right) + 1))
  t.match(await classOf(clerk, total), /error/, 'the total is marked')
  t.match(await classOf(clerk, 'requests.outcomes.granted.naturalPerson'), /error/, 'and the parts it sums')
  t.match(
    await clerk.textContent('#summary'),
    `自然人列：（七）总计（${Number(right) + 1}）不等于各项办理结果之和（${right}）`,
    'both sides of the equation in the summary'
  )
  await clerk.click('#submit')
  await clerk.waitForSelector('#banner:has-text("未提交：有")')
  t.pass('a submission the server refuses (422) is said, its errors left in place')
  t.match(await classOf(clerk, total), /error/)
  await clerk.click(id(total))
  await clerk.keyboard.press('Control+a')
  await clerk.keyboard.type(right)
  t.equal(await clerk.locator('#tables td.error').count(), 0, 'fixed: no cell marked')
  await clerk.keyboard.press('Enter')
  t.equal(
    await clerk.evaluate('document.activeElement.name'),
    'requests.carriedForward.naturalPerson',
    'Enter moves down a row'
  )

  // A draft, a reload that keeps unsaved work, a submission.
  await clerk.click('#save-draft')
  await clerk.waitForSelector('#banner:has-text("草稿已保存（第 1 版）")')
  t.match(await clerk.textContent('#status'), /第 1 版 · 草稿/)
  await clerk.fill('#narrative-other', '无。')
  await clerk.reload()
  await clerk.waitForSelector('#report:not([hidden])')
  t.equal(await clerk.inputValue('#narrative-other'), '无。', 'a reload keeps the unsaved change')
  t.match(await banner(clerk).textContent(), /已恢复本页未保存的修改/)
  t.equal(await clerk.inputValue(id(total)), right, 'and the saved figures')
  await clerk.click('#submit')
  await clerk.waitForSelector('#banner:has-text("已提交（第 2 版）")')

  // ── A stale second tab ─────────────────────────────────────────────────────────────────────
  const stale = await tab([412])
  await signIn(stale, `/entry#${unit}/${YEAR}`, clerkToken)
  await stale.waitForSelector('#report:not([hidden])')
  await clerk.fill('#narrative-problems', '公开平台栏目设置有待完善。')
  await clerk.click('#submit')
  await clerk.waitForSelector('#banner:has-text("已提交（第 3 版）")')
  await stale.fill('#narrative-problems', '另一种说法。')
  await stale.click('#save-draft')
  await stale.waitForSelector('#banner:has-text("其他人已先保存了这份报告")')
  await stale.click('#banner button')
  await stale.waitForSelector('#status:has-text("第 3 版")')
  t.pass('the stale tab is told, and reloads the current revision')
  await stale.close()

  // ── The reviewer returns it ────────────────────────────────────────────────────────────────
  const reviewer = await tab()
  await signIn(reviewer, '/review', reviewerToken)
  const row = reviewer.locator(`#queue tr[data-unit="${unit}"][data-year="${YEAR}"]`)
  await row.waitFor()
  await row.locator('button').click()
  await reviewer.waitForSelector('#detail:not([hidden])')
  t.match(await reviewer.textContent('#detail-diff'), /与第 2 版相比/, 'the diff against the previous revision')
  t.match(await reviewer.textContent('#detail-diff'), /公开平台栏目设置有待完善/)
  t.equal(await reviewer.inputValue(id(total)), right, 'the report as on the form')
  await reviewer.click('#return')
  t.match(await banner(reviewer).textContent(), /退回须填写审核意见/, 'a return needs a comment')
  await reviewer.fill('#comment', '请核对四、行政复议的数字。')
  await reviewer.click('#return')
  await row.waitFor({ state: 'detached' })
  t.pass('the returned report leaves the queue')

  // ── The clerk sees the comment, amends, resubmits ──────────────────────────────────────────
  await clerk.reload()
  await clerk.waitForSelector('#banner:has-text("请核对四、行政复议的数字。")')
  t.match(await clerk.textContent('#status'), /已退回/)
  await clerk.fill('#narrative-other', '无其他需要报告的事项。')
  await clerk.click('#submit')
  await clerk.waitForSelector('#banner:has-text("已提交（第 4 版）")')

  await reviewer.click('#filter button[type=submit]')
  await row.waitFor()
  t.match(await row.textContent(), /曾退回：请核对四、行政复议的数字。/, 'the queue says what the resubmission answers')
  await row.locator('button').click()
  await reviewer.waitForSelector('#detail-diff:has-text("与第 3 版相比")')
  await reviewer.click('#accept')
  await row.waitFor({ state: 'detached' })

  const aggregate = (await call(`/v1/aggregates/350803/${YEAR}`)).body
  t.equal(aggregate.coverage.accepted, 1, 'the district aggregate includes the accepted report')
  t.equal(aggregate.requests.received.total, figure('requests.received.total'))

  // Accepted: read-only until an amendment reason is given.
  await clerk.reload()
  await clerk.waitForSelector('#banner:has-text("已审核通过")')
  t.ok((await clerk.locator(id(total)).getAttribute('readonly')) !== null, 'an accepted report is read-only')
  await clerk.fill('#amendment-reason', '更正笔误')
  t.equal(await clerk.locator(id(total)).getAttribute('readonly'), null, 'a reason unlocks it')

  // Printed on A4 without the page's controls.
  await clerk.emulateMedia({ media: 'print' })
  t.equal(await clerk.locator('.toolbar').isVisible(), false, 'the toolbar does not print')
  const pdf = await clerk.pdf({ format: 'A4' })
  t.ok(pdf.subarray(0, 4).toString() === '%PDF' && pdf.length > 10_000, 'the form prints as a PDF on A4')

  // ── From a published page: read in for checking, nothing stored ──────────────────────────
  const reader = await tab()
  await signIn(reader, `/entry#${unit}/2023`, clerkToken)
  await reader.waitForSelector('#report:not([hidden])')
  await reader.click('#import summary')
  await reader.fill('#import-text', readFileSync(join(FIXTURES, 'fengshi-2020.txt'), 'utf8'))
  await reader.click('#import-run')
  await reader.waitForSelector('#import-result:has-text("已识别")')
  const published = fengshi()
  t.equal(await reader.inputValue('#template'), 'gb2019', 'the page’s template')
  t.equal(
    await reader.inputValue(id('requests.received.total')),
    String(readCell(published, ['requests', 'received', 'total'])),
    'its figures in the form'
  )
  t.equal((await call(`/v1/reports/${unit}/2023`)).status, 404, 'nothing stored')

  // ── A unit token and another township ──────────────────────────────────────────────────────
  const intruder = await tab()
  await signIn(intruder, `/entry#${other}/2021`, clerkToken)
  await intruder.waitForSelector(`#banner:has-text("此令牌不能填报 ${other}")`)
  t.equal(await intruder.locator('#report').isVisible(), false, 'another township’s form is not opened')
  const put = await fetch(`${server.url}/v1/reports/${other}/${YEAR}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${clerkToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...report, unit: other })
  })
  t.equal(put.status, 403, 'and the API refuses it')

  t.same(problems, [], 'no console error on any page')
})

t.test('the pages’ files: bundled once, revalidated, nothing else served', async (t) => {
  const { app } = await build(t)
  const entry = await app.inject({ url: '/entry' })
  t.equal(entry.statusCode, 200)
  t.match(entry.headers['content-type'], /^text\/html/)
  t.match(entry.body, '<script type="module" src="web/entry.js">', 'a relative script: works under a proxy prefix')
  const script = await app.inject({ url: '/web/entry.js' })
  t.match(script.headers['content-type'], /^text\/javascript/)
  t.match(script.body, 'E-REQ-OUTCOME-TOTAL', 'the rules of src/domain are in the bundle')
  t.notMatch(script.body, /from\s*["']node:/, 'and nothing of Node')
  t.equal(script.headers['cache-control'], 'no-cache')
  const again = await app.inject({ url: '/web/entry.js', headers: { 'if-none-match': String(script.headers.etag) } })
  t.equal(again.statusCode, 304)
  t.equal((await app.inject({ url: '/review' })).statusCode, 200)
  t.match((await app.inject({ url: '/' })).body, '<a href="entry">填报</a>', 'linked from the dashboard')
  t.equal((await app.inject({ url: '/web/forms.css' })).statusCode, 200)
  for (const url of ['/web/entry.ts', '/web/common.js', '/web/tsconfig.json', '/web/..%2Fapp.ts'])
    t.equal((await app.inject({ url })).statusCode, 404, `${url} is not served`)

  const out = mkdtempSync(join(tmpdir(), 'ogi-web-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  await buildWebAssets('src/web', out)
  t.same(readdirSync(out).sort(), ['entry.html', 'entry.js', 'forms.css', 'review.html', 'review.js'], 'npm run build')
})

t.test('a figure as a clerk types it', async (t) => {
  const cell = (code: string) => TEMPLATES.gb2021.cells.find((c) => c.code === code)!
  const count = cell('requests.received.naturalPerson')
  t.same(readField(count, '１２'), { value: 12 }, 'full-width digits from a Chinese input method')
  t.same(readField(count, ' 1,234 '), { value: 1234 }, 'thousands separators and spaces')
  t.same(readField(count, ''), { value: null }, 'blank is null, never 0')
  t.same(readField(count, '/'), { value: null })
  t.match(readField(count, '−3'), { invalid: /非负整数/ }, 'no negative count')
  t.match(readField(count, '1.5'), { invalid: /非负整数/ })
  t.match(readField(count, '12件'), { invalid: String })
  t.same(readField(cell('proactive.fees.amount'), '0.092'), { value: 0.092 }, 'decimals where the template allows')
  t.same(
    readField(
      TEMPLATES.gb2019.cells.find((c) => c.code === 'proactive.fees.change')!,
      '−3'
    ),
    { value: -3 }
  )
})

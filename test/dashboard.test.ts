// The dashboard in a real browser: Debian's Chromium driven by playwright-core against the real
// server with demo data. The page loads with no console error, the charts render, picking another
// division updates them, and the compiled report's tables carry the right sums. The screenshot
// is kept in .tap/dashboard.png.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import t from 'tap'
import { startServer } from '../bench/harness.js'
import { prepareDatabase } from '../scripts/reliability/database.js'

const CHROMIUM = '/usr/bin/chromium'
// The flags that work on these machines (no network beyond loopback, running as root).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

t.test('the dashboard and the compiled report in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (.ci/run installs it)` }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-browser-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'ogi.sqlite')
  prepareDatabase(path)
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/seed-demo.ts', '--years', '2020,2021', '--scale', 'district:3508'], { env: { ...process.env, DATABASE_PATH: path } })
  const server = await startServer('src/server.ts', { DATABASE_PATH: path, LOG_LEVEL: 'warn' }, 3946, '/readyz')
  t.teardown(() => server.stop())
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  t.teardown(() => browser.close())

  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } })
  const errors: string[] = []
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
  page.on('pageerror', (error) => errors.push(String(error)))
  await page.goto(`${server.url}/?code=350803&year=2021`)
  await page.waitForSelector('body[data-loaded="350803/2021"]', { timeout: 20_000 })

  const aggregate = (await (await fetch(`${server.url}/v1/aggregates/350803/2021`)).json()) as {
    coverage: { expected: number; submitted: number }
    requests: { received: { total: number } }
    appeals: { reconsideration: { total: number } }
  }
  t.equal(await page.textContent('#coverage .card:first-child .n'), String(aggregate.coverage.expected), 'coverage cards from the API')
  // Expressions run in the page (strings: this file is not compiled with the DOM's types).
  const charts = await page.evaluate(`({
    trend: window.ogiCharts.trend.getOption().series.length,
    bars: window.ogiCharts.largest.getOption().series[0].data.length,
    canvases: document.querySelectorAll('canvas').length
  })`)
  t.same(charts, { trend: 4, bars: 10, canvases: 2 }, 'both charts drawn: four indicator lines, the ten largest townships')
  t.ok((await page.locator('#findings tbody tr').count()) > 0)

  mkdirSync('.tap', { recursive: true })
  await page.screenshot({ path: '.tap/dashboard.png', fullPage: true })

  await page.click('#path a[data-code="3508"]')
  await page.waitForSelector('body[data-loaded="3508/2021"]', { timeout: 20_000 })
  const districts = await page.evaluate('window.ogiCharts.largest.getOption().series[0].data.length')
  t.equal(districts, 7, 'picking 龙岩市 shows its seven districts')
  t.same(errors, [], 'no console error')

  // The address bar is input: markup in ?code= or ?year= must never become an element.
  const hostile = await browser.newPage()
  hostile.on('pageerror', (error) => errors.push(String(error)))
  const payloads = [
    `?code=${encodeURIComponent('"><img src=x onerror="window.pwned=1">')}&year=2021`,
    `?code=350803${encodeURIComponent('<script>window.pwned=1</script>')}&year=${encodeURIComponent('2021<img src=x onerror=window.pwned=1>')}`,
    `?code=${encodeURIComponent('../../v1/tokens')}`
  ]
  for (const query of payloads) {
    await hostile.goto(`${server.url}/${query}`)
    await hostile.waitForSelector('body[data-loaded^="350803/"]', { timeout: 20_000 })
    const injected = await hostile.evaluate(`({ pwned: window.pwned ?? null, images: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length })`)
    t.same(injected, { pwned: null, images: 0, scripts: 2 }, `nothing injected by ${query}; the default division is shown`)
  }
  t.same(errors, [], 'no script error on hostile addresses')

  const report = await browser.newPage()
  await report.goto(`${server.url}/v1/aggregates/350803/2021/report.html`)
  const received = await report.evaluate(
    `[...document.querySelectorAll('table.t3 tr')].find((tr) => tr.textContent.includes('一、本年新收政府信息公开申请数量')).lastElementChild.textContent`
  )
  t.equal(received, String(aggregate.requests.received.total), 'the compiled report’s 三 carries the district total')
  const reconsideration = await report.evaluate(`document.querySelector('table.t4 tr:last-child td:nth-child(5)').textContent`)
  t.equal(reconsideration, String(aggregate.appeals.reconsideration.total))
  t.match(await report.textContent('p.coverage'), new RegExp(`应报送的${aggregate.coverage.expected}个乡镇（街道）中已报送的${aggregate.coverage.submitted}个`))
})

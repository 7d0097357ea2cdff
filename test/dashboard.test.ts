// The dashboard in a real browser: Debian's Chromium driven by playwright-core against the real
// server with demo data. The page loads with no console error, the charts render, picking another
// division updates them, and the compiled report's tables carry the right sums. The screenshot
// is kept in .tap/dashboard.png.
import type { AddressInfo } from 'node:net'
import { mkdirSync } from 'node:fs'
import httpProxy from '@fastify/http-proxy'
import Fastify from 'fastify'
import { chromium, type Browser } from 'playwright-core'
import t from 'tap'
import { CHROMIUM, demoServer, FLAGS, skipWithoutChromium } from './browser.js'

t.test('the dashboard and the compiled report in Chromium', { skip: skipWithoutChromium }, async (t) => {
  const { server } = await demoServer(t, '2020,2021', 'district:3508')
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
  t.equal(
    await page.textContent('#coverage .card:first-child .n'),
    String(aggregate.coverage.expected),
    'coverage cards from the API'
  )
  // Expressions run in the page (strings: this file is not compiled with the DOM's types).
  const charts = await page.evaluate(`({
    trend: window.ogiCharts.trend.getOption().series.length,
    bars: window.ogiCharts.largest.getOption().series[0].data.length,
    canvases: document.querySelectorAll('canvas').length
  })`)
  t.same(
    charts,
    { trend: 4, bars: 10, canvases: 2 },
    'both charts drawn: four indicator lines, the ten largest townships'
  )
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
    `?code=350803${encodeURIComponent('<script>window.pwned=1</script>')}` +
      `&year=${encodeURIComponent('2021<img src=x onerror=window.pwned=1>')}`,
    `?code=${encodeURIComponent('../../v1/tokens')}`
  ]
  for (const query of payloads) {
    await hostile.goto(`${server.url}/${query}`)
    await hostile.waitForSelector('body[data-loaded^="350803/"]', { timeout: 20_000 })
    const injected = await hostile.evaluate(
      `({ pwned: window.pwned ?? null, images: document.querySelectorAll('img').length, scripts: ` +
        `document.querySelectorAll('script').length })`
    )
    t.same(
      injected,
      { pwned: null, images: 0, scripts: 2 },
      `nothing injected by ${query}; the default division is shown`
    )
  }
  t.same(errors, [], 'no script error on hostile addresses')

  const report = await browser.newPage()
  await report.goto(`${server.url}/v1/aggregates/350803/2021/report.html`)
  const received = await report.evaluate(
    `[...document.querySelectorAll('table.t3 tr')].find((tr) => ` +
      `tr.textContent.includes('一、本年新收政府信息公开申请数量')).lastElementChild.textContent`
  )
  t.equal(received, String(aggregate.requests.received.total), 'the compiled report’s 三 carries the district total')
  const reconsideration = await report.evaluate(
    `document.querySelector('table.t4 tr:last-child td:nth-child(5)').textContent`
  )
  t.equal(reconsideration, String(aggregate.appeals.reconsideration.total))
  t.match(
    await report.textContent('p.coverage'),
    new RegExp(`应报送的${aggregate.coverage.expected}个乡镇（街道）中已报送的${aggregate.coverage.submitted}个`)
  )
})

t.test(
  'the pages as an office reaches them: an intranet name over plain HTTP, and under a proxy prefix',
  { skip: skipWithoutChromium },
  async (t) => {
    const { server, admin } = await demoServer(t, '2021')
    // A reverse proxy that mounts the service under /ogi/ and strips the prefix, as offices' do.
    const proxy = Fastify()
    await proxy.register(httpProxy, { upstream: server.url, prefix: '/ogi', rewritePrefix: '' })
    await proxy.listen({ host: '127.0.0.1', port: 0 })
    t.teardown(() => proxy.close())
    const proxyPort = (proxy.server.address() as AddressInfo).port
    // Any name but localhost: the browser treats it as an ordinary, untrusted plain-HTTP origin.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...FLAGS, '--host-resolver-rules=MAP ogi-intranet.test 127.0.0.1']
    })
    t.teardown(() => browser.close())

    const plain = await fetch(`${server.url}/`)
    t.notMatch(
      plain.headers.get('content-security-policy') ?? '',
      /upgrade-insecure-requests/,
      'no upgrade over plain HTTP'
    )
    t.equal(plain.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP')
    t.match(
      plain.headers.get('content-security-policy') ?? '',
      /script-src 'self'/,
      'the rest of the policy stays strict'
    )

    const serverPort = new URL(server.url).port
    for (const base of [`http://ogi-intranet.test:${serverPort}/`, `http://ogi-intranet.test:${proxyPort}/ogi/`]) {
      t.test(base, async (t) => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
        const problems: string[] = []
        page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`))
        page.on('pageerror', (error) => problems.push(`page: ${String(error)}`))
        page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
        page.on(
          'response',
          (response) => response.status() >= 400 && problems.push(`${response.status()}: ${response.url()}`)
        )
        await page.goto(`${base}?code=350803&year=2021`)
        await page.waitForSelector('body[data-loaded="350803/2021"]', { timeout: 20_000 })
        t.equal(
          await page.evaluate(`getComputedStyle(document.querySelector('header')).backgroundColor`),
          'rgb(183, 28, 28)',
          'the stylesheet applied'
        )
        const drawn = await page.evaluate(`[...document.querySelectorAll('canvas')].map((canvas) => {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
        let painted = 0
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++
        return painted
      })`)
        t.equal((drawn as number[]).length, 2, 'both charts')
        t.ok(
          (drawn as number[]).every((n) => n > 1000),
          `every chart has pixels drawn (${String(drawn)})`
        )
        const report = await page.getAttribute('#links a:first-child', 'href')
        t.equal(report, 'v1/aggregates/350803/2021/report.html', 'links are relative')
        const hrefs = await page.evaluate<string[]>(
          '[...document.querySelectorAll("#links a")].map((a) => a.getAttribute("href"))'
        )
        t.ok(hrefs.includes('v1/aggregates/350803/2021/report.docx'), 'the Word document beside the HTML')
        t.ok(hrefs.includes('v1/exports/reports.xlsx?year=2021&under=350803'), 'the Excel workbook beside the CSV')
        // Fetched by the page itself: under the intranet name and the proxy's prefix, as a click would.
        const statuses = await page.evaluate<number[]>(
          'Promise.all([...document.querySelectorAll("#links a")].map((a) => ' +
            'fetch(a.href).then((r) => r.arrayBuffer().then(() => r.status))))'
        )
        t.same(
          statuses,
          hrefs.map(() => 200),
          `every link downloads under ${base}`
        )
        await page.click('#links a:first-child')
        await page.waitForSelector('table.t3')
        t.ok(page.url().startsWith(base), `the compiled report opens under ${base}`)

        const docs = await browser.newPage()
        docs.on('console', (message) => message.type() === 'error' && problems.push(`docs console: ${message.text()}`))
        docs.on('pageerror', (error) => problems.push(`docs: ${String(error)}`))
        docs.on(
          'response',
          (response) => response.status() >= 400 && problems.push(`${response.status()}: ${response.url()}`)
        )
        await docs.goto(`${base}docs/`)
        await docs.waitForSelector('.opblock', { timeout: 20_000 })
        t.ok((await docs.locator('.opblock').count()) > 20, 'Swagger UI lists the operations')

        // The entry and review pages: their script and style load, and their calls reach the API.
        const entry = await browser.newPage()
        entry.on(
          'console',
          (message) => message.type() === 'error' && problems.push(`entry console: ${message.text()}`)
        )
        entry.on('pageerror', (error) => problems.push(`entry: ${String(error)}`))
        entry.on(
          'response',
          (response) => response.status() >= 400 && problems.push(`${response.status()}: ${response.url()}`)
        )
        await entry.goto(`${base}entry#350803109/2021`)
        await entry.fill('#token', admin)
        await entry.click('#token-form button')
        await entry.waitForSelector('#report:not([hidden])', { timeout: 20_000 })
        t.match(await entry.textContent('#status'), /第 \d+ 版|尚未保存/, 'the entry page opens the report')
        t.equal(
          await entry.evaluate(`getComputedStyle(document.querySelector('header')).backgroundColor`),
          'rgb(183, 28, 28)',
          'and its stylesheet applied'
        )
        await entry.goto(`${base}review`)
        await entry.waitForSelector('#who')
        await entry.fill('#under', '350803')
        await entry.click('#filter button[type=submit]')
        await entry.waitForSelector('#queue table, #queue-empty', { timeout: 20_000 })
        t.pass('the review page lists its queue')
        t.same(problems, [], 'no console error and no failed request')
      })
    }
  }
)

// Import of published reports: the real page of 峰市镇 to exactly its canonical JSON, the same
// report as HTML, a gb2021 report both ways, the variants real pages print, pages cut short,
// garbage, and the endpoint and CLI around it.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { completeImport, importReport, readFile } from '../src/domain/import/index.js'
import {
  labelMatches,
  normalizeLabel,
  readValue,
  toSimplified,
  type OpenccConverter
} from '../src/domain/import/text.js'
import * as openccToTraditional from 'opencc-js/cn2t'
import { readCell, type CellTree, type Report } from '../src/domain/report.js'
import { TEMPLATES } from '../src/domain/templates.js'
import { importBombs } from '../scripts/reliability/import-bombs.js'
import { createPageReader } from '../src/services/page-reader.js'
import { asAdmin, build, edit, fengshi, freshDatabasePath, FIXTURES, tokenFor } from './helper.js'
import { kanshi2021, pageText, pageTextAs, reportPage, TEXT_LAYOUTS } from './page.js'

const TEXT = readFileSync(join(FIXTURES, 'fengshi-2020.txt'), 'utf8')
const HTML = readFileSync(new URL('fixtures/fengshi-2020.html', import.meta.url), 'utf8')

const DOCUMENTS = new URL('fixtures/documents/', import.meta.url).pathname

/** A PDF whose pages hold a picture only (a filled rectangle), as a scanner makes them. */
function scannedPdf(pages = 1): Uint8Array {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 4} 0 R`).join(' ')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    '<< /Length 26 >>\nstream\n0.5 g 50 50 495 742 re f\nendstream',
    ...Array.from(
      { length: pages },
      () => '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << >> >>'
    )
  ]
  let pdf = '%PDF-1.4\n'
  const offsets = objects.map((body, i) => {
    const offset = pdf.length
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`
    return offset
  })
  const xref = pdf.length
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return new TextEncoder().encode(pdf)
}

/** Every cell of a report's template by code. */
function cellsOf(report: Pick<Report, 'template' | 'proactive' | 'requests' | 'appeals'>): Record<string, unknown> {
  return Object.fromEntries(TEMPLATES[report.template].cells.map((cell) => [cell.code, readCell(report, cell.path)]))
}

t.test('the real page of 峰市镇 (2020) imports to exactly its canonical JSON', async (t) => {
  const { app } = await build(t)
  const result = importReport(TEXT, 'text', app.repos.divisions)
  t.same({ ...result.report, status: 'submitted' }, fengshi(), 'every cell, the template, year, unit, meta and prose')
  t.equal(result.report.status, 'draft')
  t.same(result.detected, {
    format: 'text',
    template: 'gb2019',
    year: 2020,
    yearSource: 'title',
    organ: '龙岩市永定区峰市镇人民政府',
    unit: '350803109'
  })
  t.same(result.parse, { cellsFound: 198, cellsExpected: 198, notFound: [], notes: [] })

  t.test('and so does the same report as an HTML page with merged header cells', async (t) => {
    const html = importReport(HTML, 'html', app.repos.divisions)
    t.same({ ...html.report, status: 'submitted' }, fengshi())
    t.same(html.parse.notFound, [])
  })
})

t.test('a gb2021 report, as HTML and as text', async (t) => {
  const { app } = await build(t)
  const report = kanshi2021()
  const html = reportPage(report)
  for (const [kind, input] of [
    ['html', html],
    ['text', pageText(html)]
  ] as const) {
    const result = importReport(input, kind, app.repos.divisions)
    t.same({ ...result.report, status: 'submitted' }, report, kind)
    t.equal(result.detected.template, 'gb2021', `${kind}: detected from the headers`)
    t.equal(result.parse.cellsFound, 200)
  }
})

t.test('text in every layout HTML-to-text tools and pdftotext -layout leave', async (t) => {
  const { app } = await build(t)
  const report = kanshi2021()
  const html = reportPage(report)
  for (const layout of TEXT_LAYOUTS) {
    const result = importReport(pageTextAs(html, layout), 'text', app.repos.divisions)
    t.same({ ...result.report, status: 'submitted' }, report, `${layout}: every cell, the meta and the prose`)
    t.equal(result.detected.template, 'gb2021', `${layout}: the template from the headers`)
    t.same(result.parse.notFound, [], layout)
  }
  const gb2019 = importReport(pageTextAs(HTML, 'wrapped'), 'text', app.repos.divisions)
  t.same({ ...gb2019.report, status: 'submitted' }, fengshi(), 'gb2019 with its header words broken over lines')

  t.test('half-width punctuation: (一) and :', async (t) => {
    const text = pageTextAs(html, 'lines').replace(/（/g, '(').replace(/）/g, ')').replace(/：/g, ':')
    const result = importReport(text, 'text', app.repos.divisions)
    t.same(cellsOf(result.report), cellsOf(report), 'every cell')
    t.same(result.parse.notFound, [])
  })

  t.test('digits run together are one value: the row stays blank, never split by guesswork', async (t) => {
    // pdftotext -layout can lose the spaces between narrow columns: `0 0 2` comes out as `002`.
    const text = pageTextAs(html, 'aligned')
    const row = text.split('\n').find((line) => /^\s*规章\s/.test(line))!
    const figures = row.trim().split(/\s+/).slice(1)
    const merged = text.replace(row, `规章  ${figures.join('')}`)
    const result = importReport(merged, 'text', app.repos.divisions)
    const codes = ['proactive.regulations.issued', 'proactive.regulations.repealed', 'proactive.regulations.inForce']
    for (const code of codes) t.ok(result.parse.notFound.includes(code), `${code} is listed as not found`)
    const read = result.report.proactive.regulations as Record<string, unknown>
    t.same([read.issued, read.repealed, read.inForce], [null, null, null])
    t.equal(result.parse.cellsFound, 197, 'every other cell is read')
    t.match(result.parse.notes.join('\n'), /规章/)
  })

  t.test('a page cut off in the middle of a table: what is there is read, the rest is not found', async (t) => {
    const text = pageTextAs(html, 'lines')
    const cut = text.slice(0, text.indexOf('不予处理'))
    const result = importReport(cut, 'text', app.repos.divisions)
    t.equal(result.detected.template, 'gb2021')
    t.same(result.report.proactive, report.proactive, 'table 二 whole')
    t.ok(result.parse.notFound.includes('appeals.litigationAfterReconsideration.total'), 'table 四 not found')
    t.ok(result.parse.cellsFound > 40 && result.parse.cellsFound < 200, `${result.parse.cellsFound} cells read`)
    for (const [code, value] of Object.entries(cellsOf(result.report))) {
      if (value !== null) t.equal(value, cellsOf(report)[code], `${code}: a cell read is right`)
    }
  })
})

t.test('Traditional Chinese pages (OpenCC), tables and prose alike', async (t) => {
  const { app } = await build(t)
  const report = kanshi2021()
  const toTraditional = (openccToTraditional as unknown as { Converter: OpenccConverter }).Converter({
    from: 'cn',
    to: 'tw'
  })
  for (const [kind, page] of [
    ['html', toTraditional(reportPage(report))],
    ['text', toTraditional(pageTextAs(reportPage(report), 'tabs'))]
  ] as const) {
    t.match(page, /政府信息公開/, `${kind}: the page is in Traditional characters`)
    const result = importReport(page, kind, app.repos.divisions)
    t.same(
      { ...result.report, status: 'submitted' },
      report,
      `${kind}: every cell, the meta and the prose in Simplified`
    )
    t.equal(result.detected.unit, '350803101', `${kind}: the organ found in the registry`)
  }
  t.equal(
    toSimplified('显著的著作'),
    '显著的著作',
    'one character OpenCC maps does not make a Simplified page Traditional'
  )
  t.equal(toSimplified('顯著的著作權'), '显著的著作权')
})

t.test('PDF and Word files, as organs make them (test/fixtures/documents, scripts/fixtures)', async (t) => {
  const { app } = await build(t)
  const files = readdirSync(DOCUMENTS).filter((name) => !name.endsWith('.json'))
  t.equal(files.length, 12, 'four reports, each as .docx, as its PDF export and as a page printed by Chromium')
  for (const file of files) {
    const format = file.endsWith('.docx') ? 'docx' : 'pdf'
    const expected = JSON.parse(
      readFileSync(join(DOCUMENTS, file.replace(/\.(word|chromium)\.pdf$|\.docx$/, '.json')), 'utf8')
    ) as Report
    const result = completeImport(await readFile(readFileSync(join(DOCUMENTS, file)), format), app.repos.divisions)
    t.same(cellsOf(result.report), cellsOf(expected), `${file}: every cell`)
    t.same(result.parse.notFound, [], `${file}: nothing not found`)
    t.same(
      [result.detected.format, result.detected.template, result.report.unit, result.report.year],
      [format, expected.template, expected.unit, expected.year],
      `${file}: format, template, unit and year`
    )
    t.same(result.report.meta, expected.meta, `${file}: title, organ, number, date, contact`)
    const prose = (report: Pick<Report, 'narrative'>) =>
      Object.values(report.narrative ?? {}).map((part) => (part ?? '').replace(/\n/g, ''))
    if (format === 'docx' || file.startsWith('kanshi')) t.same(result.report.narrative, expected.narrative, file)
    else {
      // A long paragraph's line breaks cannot all be told in a PDF; and Chromium's font subsets
      // map a glyph to one of the code points sharing it (户 as 戶): the text, character for character.
      const [got, want] = [prose(result.report).join(''), prose(expected).join('')]
      const same = [...want].filter((char, i) => got[i] === char).length
      t.ok(got.length === want.length && same >= want.length - 3, `${file}: the prose (${same} of ${want.length})`)
    }
  }

  t.test('the Word files have merged cells, both ways', async (t) => {
    const { default: JSZip } = await import('jszip')
    for (const file of files.filter((name) => name.endsWith('.docx'))) {
      const zip = await JSZip.loadAsync(readFileSync(join(DOCUMENTS, file)))
      const xml = (await zip.file('word/document.xml')?.async('string')) ?? ''
      t.ok(
        /<w:gridSpan w:val="[2-9]/.test(xml) && /<w:vMerge w:val="restart"/.test(xml),
        `${file}: gridSpan and vMerge`
      )
    }
  })

  t.test('a table continued on the next page, with and without its header repeated', async (t) => {
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
    for (const [file, repeated] of [
      ['kanshi-2021-gb2021.word.pdf', false],
      ['kanshi-2021-gb2021.chromium.pdf', true]
    ] as const) {
      const data = new Uint8Array(readFileSync(join(DOCUMENTS, file)))
      const document = await getDocument({ data: data.slice(), verbosity: 0 }).promise
      const pagesWith = async (text: string) => {
        const pages: number[] = []
        for (let n = 1; n <= document.numPages; n++) {
          const content = await (await document.getPage(n)).getTextContent()
          // A page's text, its items joined (Chromium writes a glyph run per item, radicals as Kangxi ones).
          const page = content.items.map((item) => ('str' in item ? item.str : '')).join('')
          if (page.normalize('NFKC').includes(text)) pages.push(n)
        }
        return pages
      }
      const [first, last] = [(await pagesWith('本年新收政府信息公开申请数量'))[0]!, (await pagesWith('(七)总计'))[0]!]
      t.ok(last > first, `${file}: table 三 starts on page ${first} and ends on page ${last}`)
      // 自然人 heads a column of 三's header, and is nowhere else.
      t.equal((await pagesWith('自然人')).length, repeated ? 2 : 1, `${file}: header repeated: ${repeated}`)
      await document.destroy()
      const result = completeImport(await readFile(data, 'pdf'), app.repos.divisions)
      t.same(cellsOf(result.report), cellsOf(kanshi2021()), `${file}: read whole`)
    }
  })

  t.test('a PDF without a text layer (a scan) is refused, saying so; so are broken files', async (t) => {
    await t.rejects(readFile(scannedPdf(), 'pdf'), { message: /no text layer \(a scan\)/ })
    await t.rejects(readFile(new TextEncoder().encode('%PDF-1.4 nonsense'), 'pdf'), { message: /not a readable PDF/ })
    await t.rejects(readFile(scannedPdf(201), 'pdf'), { message: /201 pages/ }, 'the page bound')
    const { default: JSZip } = await import('jszip')
    const flood = new JSZip().file(
      'word/document.xml',
      `<w:document><w:body><w:tbl><w:tr>${'<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'.repeat(20_001)}` +
        '</w:tr></w:tbl></w:body></w:document>'
    )
    await t.rejects(readFile(await flood.generateAsync({ type: 'uint8array' }), 'docx'), {
      message: /more than 20000 table cells/
    })
    await t.rejects(readFile(new TextEncoder().encode('PK\x03\x04 nonsense'), 'docx'), {
      message: /not a readable Word document/
    })
  })
})

t.test('the template comes from the headers, never from the year', async (t) => {
  const { app } = await build(t)
  const late = {
    ...fengshi(),
    year: 2021,
    meta: { ...fengshi().meta, title: '龙岩市永定区峰市镇2021年政府信息公开工作年度报告' }
  }
  const result = importReport(reportPage(late), 'html', app.repos.divisions)
  t.equal(result.detected.template, 'gb2019')
  t.equal(result.detected.year, 2021)
})

t.test('the variants real pages print', async (t) => {
  const { app } = await build(t)
  const registry = app.repos.divisions
  t.test('labels: full-width brackets, spaces, Traditional characters, cut short, old names', async (t) => {
    t.ok(labelMatches(normalizeLabel('（三）不予公开'), normalizeLabel('(三)不予公开')))
    t.ok(
      labelMatches(
        normalizeLabel(toSimplified('一、本年新收政府信息公開申請數量')),
        normalizeLabel('一、本年新收政府信息公开申请数量')
      )
    )
    t.ok(labelMatches(normalizeLabel('本年新\n制作数量'), normalizeLabel('本年新制作数量')))
    t.ok(
      labelMatches(
        normalizeLabel('（二）部分公开'),
        normalizeLabel('（二）部分公开（区分处理的，只计这一情形，不计其他情形）')
      ),
      'cut short'
    )
    t.notOk(labelMatches(normalizeLabel('总计'), normalizeLabel('（七）总计')), 'a column header is not the total row')
    t.notOk(labelMatches(normalizeLabel('其他'), normalizeLabel('3.其他')))
  })
  t.test('values: signed changes, decimals, amounts with units, blanks', async (t) => {
    t.same(readValue('+8'), { kind: 'number', value: 8 })
    t.same(readValue('－3'), { kind: 'number', value: -3 })
    t.same(readValue('0.092'), { kind: 'number', value: 0.092 })
    t.same(readValue('251000元'), { kind: 'number', value: 251000, unit: 'yuan' })
    t.same(readValue('1,234'), { kind: 'number', value: 1234 })
    for (const blank of ['', '/', '／', '—', '-', '无'])
      t.same(readValue(blank), { kind: 'blank' }, JSON.stringify(blank))
    t.same(readValue('见附件'), { kind: 'text' })
  })
  t.test('a page with them all', async (t) => {
    const variant = HTML.replace('（三）不予公开', '(三)不予公开')
      .replace('一、本年新收政府信息公开申请数量', '一、本年新收政府信息公開申請數量')
      .replace(/(<td[^>]*>)838110(<\/td>)/, '$1838110元$2')
      .replace(/<td>\+8<\/td>/, '<td>８</td>')
      .replace(/(<td>行政处罚<\/td><td>)0(<\/td>)/, '$1/$2')
    const result = importReport(variant, 'html', registry)
    t.equal(result.parse.cellsFound, 198)
    t.equal((result.report.proactive.procurement as Record<string, unknown>).amountUnit, 'yuan')
    t.equal((result.report.proactive.licensing as Record<string, unknown>).change, 8)
    t.equal(
      (result.report.proactive.penalties as Record<string, unknown>).previousCount,
      null,
      'a / is a blank, read as null'
    )
  })
  t.test('gb2021 fees in 元 are converted to 万元; 规范性文件 stands for 行政规范性文件', async (t) => {
    const report = kanshi2021()
    const page = reportPage(report)
      .replace('行政规范性文件', '规范性文件')
      .replace(/(<td>行政事业性收费<\/td><td[^>]*>)[\d.]+(<\/td>)/, '$1920元$2')
    const result = importReport(page, 'html', registry)
    t.equal((result.report.proactive.fees as Record<string, unknown>).amount, 0.092)
    t.same(result.report.proactive.normativeDocuments, report.proactive.normativeDocuments)
  })
  t.test('a row whose cells are not figures is reported and left blank, not shifted', async (t) => {
    const page = HTML.replace(/(<td colspan="2">（一）予以公开<\/td>)<td>0<\/td>/, '$1<td>见附件</td>')
    const result = importReport(page, 'html', registry)
    t.equal((result.report.requests.outcomes as Record<string, Record<string, unknown>>).granted!.naturalPerson, null)
    t.ok(result.parse.notFound.includes('requests.outcomes.granted.naturalPerson'))
    t.match(result.parse.notes.join('\n'), /予以公开/)
    t.equal(
      (result.report.requests.outcomes as Record<string, Record<string, unknown>>).partiallyGranted!.naturalPerson,
      0,
      'the next row is still read'
    )
  })
  t.test('a fractional count is not taken', async (t) => {
    const page = HTML.replace(/(<td>其他对外管理服务事项<\/td><td>0<\/td><td>\+189<\/td><td>)334/, '$133.4')
    const result = importReport(page, 'html', registry)
    t.equal((result.report.proactive.otherServices as Record<string, unknown>).decisions, null)
    t.ok(result.parse.notFound.includes('proactive.otherServices.decisions'))
  })
})

t.test('a page cut in the middle of table 三 keeps what comes before the cut', async (t) => {
  const { app } = await build(t)
  const cut = TEXT.slice(0, TEXT.indexOf('4.保护第三方合法权益'))
  const result = importReport(cut, 'text', app.repos.divisions)
  const outcomes = result.report.requests.outcomes as Record<string, Record<string, Record<string, unknown>>>
  t.equal((result.report.proactive.otherServices as Record<string, unknown>).decisions, 334, 'table 二 whole')
  t.equal(outcomes.withheld!.securityStability!.total, 0, 'the last row before the cut')
  t.equal(outcomes.withheld!.thirdPartyRights!.total, null, 'the first row after it')
  t.equal((result.report.appeals.reconsideration as Record<string, unknown>).total, null)
  t.ok(result.parse.notFound.includes('requests.carriedForward.total'))
  t.ok(result.parse.notFound.includes('appeals.reconsideration.total'))
  t.equal(result.parse.cellsFound, 198 - result.parse.notFound.length)
  t.equal(result.report.narrative?.problems, null)
})

t.test('garbage is refused, never a crash or a hang', async (t) => {
  const { app } = await build(t)
  for (const input of ['', 'hello', '\u0000\u0001\u0002'.repeat(1000), '<html><body><p>no tables</p></body></html>']) {
    t.throws(() => importReport(input, 'text', app.repos.divisions), { name: 'UnreadableReport' })
  }
  const post = (payload: string | Buffer, type: string) =>
    app.inject({ method: 'POST', url: '/v1/imports', headers: { 'content-type': type }, payload })
  t.equal((await post('', 'text/plain')).statusCode, 422)
  t.equal(
    (await post(Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)), 'text/plain')).statusCode,
    422
  )
  const noise = 'x|y|\n噪'.repeat(1024 * 1024)
  const big = await post(noise, 'text/plain')
  t.equal(big.statusCode, 413)
  t.equal(big.json().code, 'BODY_TOO_LARGE')
  const heavy = await post('|\n'.repeat(500_000), 'text/plain')
  t.equal(heavy.statusCode, 422, '1 MB of empty cells')
  t.match(heavy.json().detail, /more than 20000 table cells/, 'refused by the cell bound, before reading')
  t.equal((await post(JSON.stringify(fengshi()), 'application/json')).statusCode, 415)
})

t.test('the unit: found through district and city, ambiguity reported, ?unit= overrides', async (t) => {
  const { app } = await build(t)
  const page = (organ: string) => HTML.replace(/<p class="sign">[^<]*<\/p>/, `<p class="sign">${organ}</p>`)
  const ambiguous = importReport(page('城关镇人民政府'), 'html', app.repos.divisions)
  t.equal(ambiguous.detected.unit, undefined)
  t.ok((ambiguous.detected.candidates?.length ?? 0) > 50, 'many townships are called 城关镇')
  t.match(ambiguous.parse.notes.join(), /pass \?unit=/)
  t.equal(ambiguous.report.unit, undefined)
  const overridden = importReport(page('城关镇人民政府'), 'html', app.repos.divisions, { unit: '350803101' })
  t.equal(overridden.report.unit, '350803101')
  const noDistrict = importReport(page('峰市镇人民政府'), 'html', app.repos.divisions)
  t.equal(noDistrict.detected.unit, '350803109', '峰市镇 is one of one')
})

t.test('POST /v1/imports', async (t) => {
  const { app } = await build(t)
  const response = await app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    payload: TEXT
  })
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same(body.detected, {
    format: 'text',
    template: 'gb2019',
    year: 2020,
    yearSource: 'title',
    organ: '龙岩市永定区峰市镇人民政府',
    unit: '350803109'
  })
  t.same(body.parse, { cellsFound: 198, cellsExpected: 198, notFound: [], notes: [] })
  t.same(body.validation, { valid: true, errors: [], warnings: [], skipped: [] })
  t.same({ ...body.report, status: 'submitted' }, fengshi())
  t.equal(body.stored, undefined)

  const html = await app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { 'content-type': 'text/html' },
    payload: HTML
  })
  t.equal(html.json().parse.cellsFound, 198)

  t.test('commit=true stores a draft, for a token that covers the unit', async (t) => {
    const url = '/v1/imports?commit=true&unit=350803109'
    const anonymous = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain' },
      payload: TEXT
    })
    t.equal(anonymous.statusCode, 401)
    const other = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain', ...tokenFor(app, 'unit', '350803101').headers },
      payload: TEXT
    })
    t.equal(other.statusCode, 403)
    const stored = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain', ...tokenFor(app, 'unit', '350803109').headers },
      payload: TEXT
    })
    t.equal(stored.statusCode, 200)
    t.match(stored.json().stored, { unit: '350803109', year: 2020, status: 'draft', revision: 1, unchanged: false })
    const draft = (await app.inject({ url: '/v1/reports/350803109/2020', headers: asAdmin(app) })).json()
    t.equal(draft.status, 'draft')
    t.same(draft.requests, fengshi().requests)
    const noUnit = await app.inject({
      method: 'POST',
      url: '/v1/imports?commit=true',
      headers: { 'content-type': 'text/plain', ...asAdmin(app) },
      payload: TEXT
    })
    t.equal(noUnit.statusCode, 400)
    t.equal(noUnit.json().errors[0].pointer, '/unit')
  })
})

t.test('npm run import prints one line per file and a total; folders are walked', async (t) => {
  const env = { ...process.env, DATABASE_PATH: freshDatabasePath() }
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], { env, encoding: 'utf8' })
  const pages = cli(join(FIXTURES, 'fengshi-2020.txt'), 'test/fixtures/fengshi-2020.html')
  const lines = pages.stdout.trim().split('\n')
  t.equal(pages.status, 0)
  t.equal(lines.length, 3)
  t.match(lines[0], /\ttext\t350803109\t2020\tgb2019\tcells 198\/198\tnot found 0\terrors 0\twarnings 0$/)
  t.match(lines[1], /\thtml\t350803109\t2020\tgb2019\t/)
  t.equal(lines[2], '2 files: 2 read, 0 not read; cells 396/396')

  const folder = cli(DOCUMENTS)
  const read = folder.stdout.trim().split('\n')
  t.equal(folder.status, 0, folder.stderr)
  t.equal(read.length, 13, 'the twelve PDF and Word files of the folder, not its JSON, and the total')
  t.match(read.filter((line) => /\.docx\tdocx\t/.test(line)).length, 4)
  t.match(read.filter((line) => /\.pdf\tpdf\t/.test(line)).length, 8)
  t.equal(read.at(-1), '12 files: 12 read, 0 not read; cells 2394/2394')

  const directory = mkdtempSync(join(tmpdir(), 'ogi-import-'))
  t.teardown(() => rmSync(directory, { recursive: true, force: true }))
  writeFileSync(join(directory, 'old.doc'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
  const legacy = cli(directory, 'test/fixtures/fengshi-2020.html')
  t.equal(legacy.status, 1, 'a file not read fails the run')
  t.match(legacy.stdout, /old\.doc\tnot read: Legacy Word \(\.doc\).*save it as \.docx/)
  t.match(legacy.stdout, /2 files: 1 read, 1 not read/)

  const committed = cli('--commit', 'test/fixtures/fengshi-2020.html')
  t.match(committed.stdout, /stored r1/)
  t.match(committed.stdout, /1 stored$/m)
})

t.test('a page with the headers of a template and a flood of cells is refused by the cell bound', async (t) => {
  const { app } = await build(t)
  const flood = TEXT.replace(
    '三、收到和处理政府信息公开申请情况',
    `${'|\n1 |\n'.repeat(100_000)}三、收到和处理政府信息公开申请情况`
  )
  t.throws(() => importReport(flood, 'text', app.repos.divisions), {
    name: 'UnreadableReport',
    message: /more than 20000 table cells/
  })
})

t.test('import bombs are refused by the bound each one meets, before the work it would cost', async (t) => {
  // The time budget is not what is tested here (npm run bench -- import-worst measures it): on a
  // loaded machine it could refuse a page the bounds let through.
  const { app } = await build(t, { config: { importLimitPerMinute: 1000, importTimeBudgetMs: 60_000 } })
  const expected: Array<[RegExp, number, RegExp?]> = [
    [/span bomb: 3,000/, 422, /span more than 60000 grid cells/],
    [/span bomb: a real report/, 422, /span more than 60000 grid cells/],
    [/colspan 10\^9/, 422, /more than 40000 HTML elements|grid cells/],
    [/one 2 MiB line/, 422, /No table was found/],
    [/title-like line/, 200],
    [/signature-like line/, 200],
    [/10,000-deep nesting/, 422, /nests more than 400 elements deep/],
    [/10,000-deep nested tables/, 422, /nests more than 400 elements deep/],
    [/100,000 tiny HTML cells/, 422, /more than 40000 HTML elements/],
    [/100,000 tiny text cells/, 422, /more than 20000 table cells/],
    [/header words \(HTML\)/, 422, /more than 40000 HTML elements/],
    [/header words \(text\)/, 422, /more than 20000 table cells/],
    [/19,000 label-like cells/, 200],
    [/pathological numerals/, 200],
    [/200,000 lines/, 422, /more than 50000 lines/],
    [/700,000 unclosed tags/, 422, /more than 40000 HTML elements/],
    [/unterminated tag starts/, 422, /No table was found/]
  ]
  const bombs = importBombs()
  t.equal(bombs.length, expected.length)
  for (const bomb of bombs) {
    const [, status, detail] = expected.find(([name]) => name.test(bomb.name))!
    const response = await app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { 'content-type': bomb.contentType },
      payload: bomb.body
    })
    t.equal(response.statusCode, status, bomb.name)
    if (detail) t.match(response.json().detail, detail, `${bomb.name}: refused for the right reason`)
    if (status === 200) t.equal(response.json().parse.cellsFound, 198, `${bomb.name}: the report is still read whole`)
  }
})

t.test('pages are read in a worker with a time budget; the service answers on', async (t) => {
  const reader = createPageReader({ budgetMs: 1, maxQueue: 8, heapMb: 128 })
  t.teardown(() => reader.close())
  const slow = `${TEXT}\n${Array.from({ length: 19_000 }, (_, i) => `(${i})其他对外管理服务事项${i} |`).join('\n')}`
  await t.rejects(
    reader.read(slow, 'text'),
    { name: 'PageNotRead', kind: 'unreadable', message: /within 1 ms/ },
    'a page over its budget is refused'
  )
  const generous = createPageReader({ budgetMs: 60_000, maxQueue: 8, heapMb: 128 })
  t.teardown(() => generous.close())
  t.equal((await generous.read(TEXT, 'text')).template, 'gb2019', 'a fresh worker reads the next page')
  await t.rejects(generous.read('hello', 'text'), { name: 'PageNotRead', kind: 'unreadable', message: /No table/ })
})

t.test('POST /v1/imports with a PDF or a Word file; legacy .doc and .wps get how to convert them', async (t) => {
  const { app } = await build(t)
  const post = (type: string, payload: Buffer | string) =>
    app.inject({ method: 'POST', url: '/v1/imports', headers: { 'content-type': type }, payload })
  const docx = readFileSync(join(DOCUMENTS, 'kanshi-2021-gb2021.docx'))
  const pdf = readFileSync(join(DOCUMENTS, 'kanshi-2021-gb2021.chromium.pdf'))
  for (const [type, body, format] of [
    ['application/pdf', pdf, 'pdf'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', docx, 'docx'],
    ['application/octet-stream', docx, 'docx'],
    ['application/pdf', docx, 'docx']
  ] as const) {
    const response = await post(type, body)
    t.equal(response.statusCode, 200, `${type}: ${response.body.slice(0, 200)}`)
    t.equal(response.json().detected.format, format, `${type}: read as ${format}, by its first bytes`)
    t.equal(response.json().parse.cellsFound, 200)
  }
  const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Array<number>(504).fill(0)])
  for (const [type, body] of [
    ['application/msword', ole],
    ['application/vnd.ms-works', ole],
    ['application/octet-stream', ole]
  ] as const) {
    const response = await post(type, body)
    t.equal(response.statusCode, 415, type)
    t.match(response.json().detail, /save it as \.docx/, `${type}: the answer says how to convert it`)
  }
  const unknown = await post('application/octet-stream', Buffer.from('just some bytes'))
  t.equal(unknown.statusCode, 415)
  t.match(unknown.json().detail, /not a PDF/)
  const scan = await post('application/pdf', Buffer.from(scannedPdf()))
  t.equal(scan.statusCode, 422)
  t.match(scan.json().detail, /no text layer/)
  const large = await post('application/pdf', Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]))
  t.equal(large.statusCode, 413, 'over 10 MiB')
  t.equal((await post('text/plain', TEXT)).json().detected.format, 'text')
})

t.test('anonymous imports have a budget per address; a token lifts it', async (t) => {
  const { app } = await build(t, { config: { importLimitPerMinute: 2 } })
  const post = (headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { 'content-type': 'text/plain', ...headers },
      payload: TEXT
    })
  t.same([(await post()).statusCode, (await post()).statusCode], [200, 200])
  const third = await post()
  t.equal(third.statusCode, 429)
  t.equal(third.json().code, 'RATE_LIMITED')
  t.ok(Number(third.headers['retry-after']) > 0)
  t.equal((await post(tokenFor(app, 'unit', '350803109').headers)).statusCode, 200, 'with a token')
})

t.test(
  'an imported page is checked against the template’s own rules even when its unit or year is unknown',
  async (t) => {
    const { app } = await build(t, { config: { importLimitPerMinute: 1000 } })
    // 三 does not add up: the 自然人 column's outcomes sum to more than its （七）总计.
    const broken = (change: (r: Report) => void) =>
      reportPage(
        edit(fengshi(), (r) => {
          ;(r.requests.outcomes as Record<string, CellTree>).granted!.naturalPerson = 6
          change(r)
        })
      )
    const post = async (html: string, query = '') => {
      const response = await app.inject({
        method: 'POST',
        url: `/v1/imports${query}`,
        headers: { 'content-type': 'text/html' },
        payload: html
      })
      t.equal(response.statusCode, 200)
      return response.json()
    }
    const errorRules = (body: { validation: { errors: Array<{ rule: string }> } }) => [
      ...new Set(body.validation.errors.map((e) => e.rule))
    ]
    const skippedRules = (body: { validation: { skipped: Array<{ rule: string; skipped: string }> } }) =>
      Object.fromEntries(body.validation.skipped.map((s) => [s.rule, s.skipped]))

    t.test('with unit and year known, every rule runs', async (t) => {
      const body = await post(broken(() => {}))
      t.same(errorRules(body), ['E-REQ-ROW-TOTAL', 'E-REQ-OUTCOME-TOTAL'])
      t.same(body.validation.skipped, [])
      t.match(body.detected, { year: 2020, yearSource: 'title', unit: '350803109' })
    })

    t.test('no year in the title: taken from the statistical period', async (t) => {
      const body = await post(
        broken((r) => {
          r.meta!.title = '龙岩市永定区峰市镇政府信息公开工作年度报告'
          r.narrative!.overview = `本报告所列数据的统计期限自2020年1月1日起至12月31日止。${r.narrative!.overview ?? ''}`
        })
      )
      t.match(body.detected, { year: 2020, yearSource: 'period' })
      t.same(errorRules(body), ['E-REQ-ROW-TOTAL', 'E-REQ-OUTCOME-TOTAL'])
    })

    t.test('no year and no signature: the rules of the report alone still run, the others are skipped', async (t) => {
      const body = await post(
        broken((r) => {
          r.meta!.title = '峰市镇政府信息公开工作年度报告'
          r.meta!.organ = null
          r.meta!.publishedOn = null
        })
      )
      t.match(body.detected, { year: null, yearSource: null, unit: '350803109' })
      t.same(errorRules(body), ['E-REQ-ROW-TOTAL', 'E-REQ-OUTCOME-TOTAL'], 'both table errors at once')
      t.match(skippedRules(body), {
        'W-CARRY-CONTINUITY': 'year unknown',
        'W-PEER-OUTLIER': 'year unknown',
        'W-TEMPLATE-YEAR': 'year unknown'
      })
      t.notOk('E-REQ-OUTCOME-TOTAL' in skippedRules(body))
    })

    t.test('only the document date: the year before it, noted as such', async (t) => {
      const body = await post(broken((r) => (r.meta!.title = '峰市镇政府信息公开工作年度报告')))
      t.match(body.detected, { year: 2020, yearSource: 'date' })
    })

    t.test('places that disagree are noted, the most reliable one taken', async (t) => {
      const body = await post(broken((r) => (r.meta!.publishedOn = '2023-01-15')))
      t.match(body.detected, { year: 2020, yearSource: 'title' })
      t.match(body.parse.notes.join('\n'), /the document date says 2022 but the title 2020; 2020 was taken/)
    })

    t.test('a county-level government is recognised as such; committing still needs a township', async (t) => {
      const body = await post(
        broken((r) => {
          r.meta!.title = '龙岩市永定区2020年政府信息公开工作年度报告'
          r.meta!.organ = '龙岩市永定区人民政府'
        })
      )
      t.same(body.detected.organDivision, { name: '龙岩市永定区人民政府', level: 'district', candidates: ['350803'] })
      t.equal(body.detected.unit, undefined)
      t.match(body.parse.notes.join('\n'), /not a township but a district government \(永定区 350803\)/)
      t.same(errorRules(body), ['E-REQ-ROW-TOTAL', 'E-REQ-OUTCOME-TOTAL'])
      t.match(skippedRules(body), {
        'W-CARRY-CONTINUITY': 'unit unknown',
        'W-TOWNSHIP-REGULATIONS': 'the organ is not a township'
      })
      const commit = await app.inject({
        method: 'POST',
        url: '/v1/imports?commit=true',
        headers: { 'content-type': 'text/html', ...asAdmin(app) },
        payload: reportPage(fengshi())
      })
      t.equal(commit.statusCode, 400, 'commit needs ?unit= of a township')
    })

    t.test('a department, from its signature or its title', async (t) => {
      const signed = await post(broken((r) => (r.meta!.organ = '龙岩市永定区发展和改革局')))
      t.match(signed.detected.organDivision, { level: 'department', candidates: ['350803'] })
      const titled = await post(
        broken((r) => {
          r.meta!.title = '龙岩市永定区卫生健康局2020年政府信息公开工作年度报告'
          r.meta!.organ = null
        })
      )
      t.match(titled.detected.organDivision, { level: 'department', candidates: ['350803'] })
      t.same(errorRules(titled), ['E-REQ-ROW-TOTAL', 'E-REQ-OUTCOME-TOTAL'])
    })

    t.test('the CLI takes the year from the file name when the page states none', async (t) => {
      const { importReport: read } = await import('../src/domain/import/index.js')
      const page = pageText(
        broken((r) => ((r.meta!.title = '峰市镇政府信息公开工作年度报告'), (r.meta!.publishedOn = null)))
      )
      const result = read(page, 'text', app.repos.divisions, { fileName: '/archive/峰市镇/2020年报.txt' })
      t.match(result.detected, { year: 2020, yearSource: 'fileName' })
    })
  }
)

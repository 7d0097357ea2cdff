// The district's report in the office's own tools: the compiled report as a Word document and
// the reports as an Excel workbook, both read back here and every number compared with sums
// computed from the submitted reports themselves.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import JSZip from 'jszip'
import { parse as parseHtml } from 'node-html-parser'
import t from 'tap'
import { readFile as readDocument } from '../src/domain/import/index.js'
import { tableLayout } from '../src/domain/render-tables.js'
import { cellValues, readCell, type Report } from '../src/domain/report.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { TEMPLATES, type TableKey, type TemplateId } from '../src/domain/templates.js'
import { asAdmin, build, edit, fengshi } from './helper.js'

const DISTRICT = '350803'
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

async function put(app: FastifyInstance, report: Report) {
  const response = await app.inject({
    method: 'PUT',
    url: `/v1/reports/${report.unit}/${report.year}`,
    payload: report as object,
    headers: asAdmin(app)
  })
  if (response.statusCode >= 300) throw new Error(`PUT ${report.unit}: ${response.body}`)
}

/** Eight townships of 永定区 for 2021, two still on gb2019; one gb2021 report leaves a cell blank. */
function reports2021(): Report[] {
  const units = ['350803001', '350803101', '350803102', '350803103', '350803104', '350803105', '350803106', '350803107']
  return units.map((unit, i) => {
    const report = sampleReport({
      unit,
      year: 2021,
      template: i < 2 ? 'gb2019' : 'gb2021',
      random: seededRandom(100 + i)
    })
    return i === 3
      ? edit(report, (r) => ((r.proactive as Record<string, Record<string, unknown>>).licensing!.decisions = null))
      : report
  })
}

const cellOf = (report: Report, code: string) => readCell(report, code.split('.'))

/** The sum of a cell over reports, as the office adds it up by hand (blank as nothing). */
const sum = (reports: readonly Report[], code: string) =>
  reports.reduce((total, report) => total + (cellOf(report, code) ?? 0), 0)

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6

// ---------------------------------------------------------------------------------------------
// Word: the tables of word/document.xml as rows of cells with their spans, like an HTML table's.

interface GridCell {
  text: string
  rowspan: number
  colspan: number
}

/** Each w:tbl of a document as rows of cells, a vertical merge turned back into a rowspan. */
function wordTables(xml: string): GridCell[][][] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map(([, table]) => {
    const rows: GridCell[][] = []
    const open = new Map<number, GridCell>() // grid column → the cell a vertical merge continues
    for (const [, row] of table!.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)) {
      const cells: GridCell[] = []
      let column = 0
      for (const [, tc] of row!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)) {
        const colspan = Number(/<w:gridSpan w:val="(\d+)"\/>/.exec(tc!)?.[1] ?? 1)
        const merge = /<w:vMerge w:val="(\w+)"\/>/.exec(tc!)?.[1]
        const text = [...tc!.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')
        if (merge === 'continue') open.get(column)!.rowspan++
        else {
          const cell = { text, rowspan: 1, colspan }
          cells.push(cell)
          if (merge === 'restart') open.set(column, cell)
          else open.delete(column)
        }
        column += colspan
      }
      rows.push(cells)
    }
    return rows
  })
}

/** The same of an HTML page's tables. */
function htmlTables(html: string): GridCell[][][] {
  return parseHtml(html)
    .querySelectorAll('table')
    .map((table) =>
      table.querySelectorAll('tr').map((tr) =>
        tr.querySelectorAll('th, td').map((cell) => ({
          text: cell.textContent,
          rowspan: Number(cell.getAttribute('rowspan') ?? 1),
          colspan: Number(cell.getAttribute('colspan') ?? 1)
        }))
      )
    )
}

async function unzip(data: Buffer, path: string): Promise<string> {
  const zip = await JSZip.loadAsync(data)
  return zip.file(path)!.async('string')
}

t.test('report.docx: the compiled report as a Word document', async (t) => {
  const { app } = await build(t)
  const reports = reports2021()
  for (const report of reports) await put(app, report)
  const response = await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/report.docx` })
  const html = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021/report.html` })).body
  const aggregate = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2021` })).json()
  const xml = await unzip(response.rawPayload, 'word/document.xml')

  t.test('a Word file, named for the office’s folder', async (t) => {
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], DOCX)
    t.match(
      response.headers['content-disposition'],
      /^attachment; filename="?ogi-350803-2021\.docx"?; filename\*=UTF-8''%E6%B0%B8%E5%AE%9A%E5%8C%BA2021/
    )
    t.equal(Number(response.headers['content-length']), response.rawPayload.length)
  })

  t.test('the same tables as the HTML print: every label, heading and merged cell', async (t) => {
    const word = wordTables(xml)
    const page = htmlTables(html)
    t.equal(word.length, 4, '二 once per template, 三, 四')
    t.same(word, page)
    t.match(xml, /（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）/, 'the 勾稽 note')
  })

  t.test('every figure is the sum of the submitted reports', async (t) => {
    const word = wordTables(xml)
    const on = (template: TemplateId) => reports.filter((r) => r.template === template)
    const expected = (template: TemplateId, table: TableKey, code: string): number | null => {
      if (table === 'proactive') {
        const cell = TEMPLATES[template].cells.find((c) => c.code === code)!
        return cell.additive ? sum(on(template), code) : null
      }
      // gb2019's undivided （六） sits under gb2021's, in its own row.
      const unclassified = /^requests\.outcomes\.other\.unclassified\.(\w+)$/.exec(code)?.[1]
      if (unclassified) return sum(on('gb2019'), `requests.outcomes.other.${unclassified}`)
      return sum(reports, code)
    }
    const layouts: Array<[TemplateId, TableKey]> = [
      ['gb2019', 'proactive'],
      ['gb2021', 'proactive'],
      ['gb2021', 'requests'],
      ['gb2021', 'appeals']
    ]
    let figures = 0
    layouts.forEach(([template, key], i) => {
      const layout = tableLayout(template, key, { unclassified: true })
      layout.forEach((row, r) =>
        row.forEach((cell, c) => {
          if (cell.code === undefined) return
          const text = word[i]![r]![c]!.text
          const want = expected(template, key, cell.code)
          if (want === null) t.equal(text, '—', `${template} ${cell.code} is not summed`)
          else t.ok(close(Number(text), want), `${template} ${cell.code}: ${text} = ${want}`)
          figures++
        })
      )
    })
    t.equal(figures, 22 + 10 + 175 + 7 + 15, 'every figure of the four tables')
    t.equal(word[2]![3]!.at(-1)!.text, String(aggregate.requests.received.total), 'and the aggregate’s')
  })

  t.test('A4 portrait, the fonts of an official document, each with its substitute', async (t) => {
    t.match(xml, /<w:pgSz w:w="11906" w:h="16838"/)
    const fonts = await unzip(response.rawPayload, 'word/fontTable.xml')
    for (const [font, substitute] of [
      ['仿宋_GB2312', '仿宋'],
      ['宋体', 'SimSun'],
      ['黑体', 'SimHei'],
      ['方正小标宋简体', '宋体']
    ])
      t.match(fonts, `<w:font w:name="${font}"><w:altName w:val="${substitute}"/><w:charset w:val="86"/>`)
    t.match(xml, /w:eastAsia="宋体"/, 'the tables in 宋体')
    t.match(xml, /w:eastAsia="方正小标宋简体"/, 'the title in 小标宋')
  })

  t.test('the title and the coverage line', async (t) => {
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')
    t.match(text, '永定区2021年政府信息公开工作年度报告统计表（汇总）')
    t.match(text, /本表汇总永定区应报送的\d+个乡镇（街道）中已报送的8个/)
    t.match(text, /按2019年格式报送的2个单位/)
  })

  t.test('a division the registry does not hold is a 404 problem', async (t) => {
    const missing = await app.inject({ url: '/v1/aggregates/359999/2021/report.docx' })
    t.equal(missing.statusCode, 404)
    t.match(missing.headers['content-type'], /application\/problem\+json/)
  })
})

t.test('report.docx read back: by the importer, and through LibreOffice as a PDF', async (t) => {
  // One township's compiled report is its own report: reading the document back must give every cell.
  const { app } = await build(t)
  const report = fengshi()
  await put(app, report)
  const docx = (await app.inject({ url: `/v1/aggregates/${DISTRICT}/2020/report.docx` })).rawPayload
  const same = (t: Tap, tables: unknown, what: string) => {
    let checked = 0
    for (const { cell, value } of cellValues(report)) {
      // A cell that is not summed (gb2019's amount, in 元 or 万元) is printed as —, even for one report.
      t.equal(cellOf(tables as Report, cell.code), cell.additive ? value : null, `${what} ${cell.code}`)
      checked++
    }
    t.equal(checked, TEMPLATES.gb2019.cells.length)
  }
  type Tap = typeof t

  t.test('the importer reads the Word document back to the report', async (t) => {
    const reading = await readDocument(docx, 'docx')
    t.equal(reading.template, 'gb2019')
    same(t, reading.tables, 'docx')
  })

  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((path) => existsSync(path))
  t.test(
    'LibreOffice prints it on A4, and the PDF reads back to the report',
    { skip: soffice ? false : 'LibreOffice is not installed (apt-get install libreoffice-writer-nogui)' },
    async (t) => {
      const work = mkdtempSync(join(tmpdir(), 'ogi-docx-'))
      t.teardown(() => rmSync(work, { recursive: true, force: true }))
      writeFileSync(join(work, 'report.docx'), docx)
      execFileSync(
        soffice!,
        [
          '--headless',
          `-env:UserInstallation=file://${work}/profile`,
          '--convert-to',
          'pdf',
          'report.docx',
          '--outdir',
          work
        ],
        { cwd: work, stdio: 'ignore', timeout: 120_000 }
      )
      const pdf = new Uint8Array(readFileSync(join(work, 'report.pdf')))
      const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
      const document = await getDocument({ data: pdf.slice(), useSystemFonts: false }).promise
      t.ok(document.numPages >= 2 && document.numPages <= 4, `${document.numPages} pages`)
      for (let n = 1; n <= document.numPages; n++) {
        const [, , width, height] = (await document.getPage(n)).view
        t.ok(Math.abs(width! - 595.3) < 1 && Math.abs(height! - 841.9) < 1, `page ${n} is A4 portrait`)
      }
      await document.destroy()
      const reading = await readDocument(pdf, 'pdf')
      t.equal(reading.template, 'gb2019')
      same(t, reading.tables, 'pdf')
    }
  )
})

// ---------------------------------------------------------------------------------------------
// Excel

type Sheet = ExcelJS.Worksheet

async function workbookOf(app: FastifyInstance, query: string) {
  const response = await app.inject({ url: `/v1/exports/reports.xlsx?${query}` })
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer)
  return { response, workbook }
}

/** The 列说明 sheet: for each sheet, its columns' letters → codes. */
function columnsOf(workbook: ExcelJS.Workbook): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>()
  workbook.getWorksheet('列说明')!.eachRow((row, n) => {
    if (n === 1) return
    const [sheet, letter, code] = [1, 2, 3].map((i) => row.getCell(i).text)
    if (!out.has(sheet!)) out.set(sheet!, new Map())
    out.get(sheet!)!.set(letter!, code!)
  })
  return out
}

t.test('reports.xlsx: a sheet per table and template, a row per report, a 汇总 row of SUMs', async (t) => {
  const { app } = await build(t)
  const reports = reports2021()
  for (const report of reports) await put(app, report)
  const { response, workbook } = await workbookOf(app, `year=2021&under=${DISTRICT}`)
  const columns = columnsOf(workbook)

  t.test('an Excel workbook with six table sheets and the description', async (t) => {
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], XLSX)
    t.match(response.headers['content-disposition'], /attachment; filename="reports\.xlsx"/)
    t.same(
      workbook.worksheets.map((s) => s.name),
      [
        '二、主动公开政府信息情况（2019年格式）',
        '三、收到和处理政府信息公开申请情况（2019年格式）',
        '四、政府信息公开行政复议、行政诉讼情况（2019年格式）',
        '二、主动公开政府信息情况（2021年格式）',
        '三、收到和处理政府信息公开申请情况（2021年格式）',
        '四、政府信息公开行政复议、行政诉讼情况（2021年格式）',
        '列说明'
      ]
    )
    const described = [...columns.values()].reduce((n, m) => n + m.size, 0)
    t.equal(described, workbook.getWorksheet('列说明')!.rowCount - 1, 'a line per column, no letter twice')
  })

  const tableSheets = () => workbook.worksheets.filter((s) => s.name !== '列说明')

  t.test('headings as on the form: merged, nested, frozen with the unit’s code and name', async (t) => {
    const requests = workbook.getWorksheet('三、收到和处理政府信息公开申请情况（2021年格式）')!
    const merges = (sheet: Sheet) => (sheet.model as unknown as { merges: string[] }).merges
    t.ok(merges(requests).includes('A1:A3'), '单位代码 spans the three header rows')
    t.ok(merges(requests).includes('G1:M1'), '一、本年新收… over its seven columns')
    t.ok(merges(requests).includes('G2:G3'), '自然人 spans down beside the group')
    t.ok(merges(requests).includes('H2:L2'), '法人或其他组织 over its five kinds')
    t.equal(requests.getCell('G1').value, '一、本年新收政府信息公开申请数量')
    t.equal(requests.getCell('H2').value, '法人或其他组织')
    t.equal(requests.getCell('H3').value, '商业企业')
    const appeals = workbook.getWorksheet('四、政府信息公开行政复议、行政诉讼情况（2021年格式）')!
    t.ok(merges(appeals).includes('G1:K1'), '行政复议 over its five columns')
    for (const sheet of tableSheets()) {
      const rows = sheet.name.startsWith('三') ? 3 : 2
      t.match(sheet.views[0], { state: 'frozen', xSplit: 2, ySplit: rows }, `${sheet.name}: frozen`)
      t.equal(sheet.getCell(1, 1).value, '单位代码')
    }
  })

  t.test('a row per report: every cell a number, a blank cell blank', async (t) => {
    let checked = 0
    for (const sheet of tableSheets()) {
      const template: TemplateId = sheet.name.includes('2019') ? 'gb2019' : 'gb2021'
      const mine = reports.filter((r) => r.template === template).sort((a, b) => a.unit.localeCompare(b.unit))
      const first = sheet.name.startsWith('三') ? 4 : 3
      t.equal(sheet.rowCount, first + mine.length, `${sheet.name}: the header, a row per report, 汇总`)
      for (const [i, report] of mine.entries()) {
        const row = sheet.getRow(first + i)
        t.equal(row.getCell(1).value, report.unit)
        t.equal(row.getCell(5).value, '已报送（待审核）')
        for (const [letter, code] of columns.get(sheet.name)!) {
          if (!code.includes('.') || code.endsWith('amountUnit')) continue
          const want = cellOf(report, code)
          const got = row.getCell(letter).value
          if (want === null) t.equal(got, null, `${report.unit} ${code} stays blank`)
          else t.equal(got, want, `${report.unit} ${code}`)
          checked++
        }
      }
    }
    t.equal(checked, 2 * TEMPLATES.gb2019.cells.length + 6 * TEMPLATES.gb2021.cells.length)
    const fees = workbook.getWorksheet('二、主动公开政府信息情况（2019年格式）')!
    const unit = [...columns.get(fees.name)!].find(([, code]) => code === 'proactive.procurement.amountUnit')![0]
    t.equal(fees.getCell(`${unit}3`).value, '元', 'gb2019’s amount with its unit')
  })

  t.test('汇总: a SUM over the rows, with the sum it has now', async (t) => {
    for (const sheet of tableSheets()) {
      const template: TemplateId = sheet.name.includes('2019') ? 'gb2019' : 'gb2021'
      const mine = reports.filter((r) => r.template === template)
      const first = sheet.name.startsWith('三') ? 4 : 3
      const total = sheet.getRow(sheet.rowCount)
      t.equal(total.getCell(1).value, '汇总')
      for (const [letter, code] of columns.get(sheet.name)!) {
        const cell = TEMPLATES[template].cells.find((c) => c.code === code)
        const value = total.getCell(letter).value as { formula: string; result?: number } | null
        if (!cell?.additive) {
          if (code !== 'unit') t.equal(value, null, `${sheet.name} ${code} is not summed`)
          continue
        }
        t.equal(value!.formula, `SUM(${letter}${first}:${letter}${first + mine.length - 1})`)
        // exceljs reads a cached 0 back as no result.
        t.ok(close(value!.result ?? 0, sum(mine, code)), `${sheet.name} ${code}`)
      }
    }
  })

  t.test('the whole country, written in a worker, and a bad query', async (t) => {
    const national = await workbookOf(app, 'year=2021')
    t.equal(national.response.statusCode, 200)
    t.equal(national.workbook.worksheets.length, 7)
    t.equal(national.workbook.worksheets[3]!.rowCount, 3 + 6)
    const empty = await workbookOf(app, 'year=2019')
    t.same(
      empty.workbook.worksheets.map((s) => s.rowCount),
      [3, 4, 3, 1 + 3 * 6 + TEMPLATES.gb2019.cells.length + 1],
      'no report: the year’s sheets with their headings, an empty 汇总'
    )
    const bad = await app.inject({ url: '/v1/exports/reports.xlsx?status=draft' })
    t.equal(bad.statusCode, 400)
    t.match(bad.json(), { errors: [{ pointer: '/status' }] })
  })
})

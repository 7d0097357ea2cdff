// Test helpers: a report rendered as a government web page (HTML), and that page's text as
// sites' HTML-to-text conversion prints it (cells as `text |` lines, `|` runs for empty cells).
import { escape } from 'html-escaper'
import { parse } from 'node-html-parser'
import type { CellTree, Report } from '../src/domain/report.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { renderTables, tableHeading } from '../src/domain/render-tables.js'
import { NARRATIVE_PARTS } from '../src/domain/templates.js'
const paragraphs = (text: string | null | undefined) =>
  (text ?? '')
    .split('\n')
    .map((p) => `<p>${escape(p)}</p>`)
    .join('\n')

function valueAt(report: Report, code: string): string {
  let node: unknown = report
  for (const key of code.split('.')) node = (node as CellTree | undefined)?.[key]
  if (node === null || node === undefined) return '/'
  const value = node as number
  return code.endsWith('.change') && value > 0 ? `+${value}` : String(value)
}

/** The report as a published page: title, number, contact block, parts 一 to 六, signature. */
export function reportPage(report: Report): string {
  const meta = report.meta ?? {}
  const tables = renderTables(report.template, (code) => valueAt(report, code))
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(meta.title ?? '')}</title></head>
<body>
<div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>
<div class="article">
<p class="docno">${escape(meta.documentNumber ?? '')}</p>
<h1>${escape(meta.title ?? '')}</h1>
<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p>
<p>联系方式：</p>
<p>地 址：${escape(meta.contact?.address ?? '')}</p>
<p>邮 编：${escape(meta.contact?.postcode ?? '')}</p>
<p>电 话：${escape(meta.contact?.phone ?? '')}</p>
<p>传 真：${escape(meta.contact?.fax ?? '')}</p>
<h2>${NARRATIVE_PARTS.overview.zh}</h2>
${paragraphs(report.narrative?.overview)}
<h2>${tableHeading('proactive')}</h2>
${tables.proactive}
<h2>${tableHeading('requests')}</h2>
${tables.requests}
<h2>${tableHeading('appeals')}</h2>
${tables.appeals}
<h2>${NARRATIVE_PARTS.problems.zh}</h2>
${paragraphs(report.narrative?.problems)}
<h2>${NARRATIVE_PARTS.other.zh}</h2>
${paragraphs(report.narrative?.other)}
<p class="sign">${escape(meta.organ ?? '')}</p>
<p class="date">${meta.publishedOn ? meta.publishedOn.replace(/^(\d{4})-0?(\d+)-0?(\d+)$/, '$1年$2月$3日') : ''}</p>
</div>
<div class="foot">扫一扫在手机上查看当前页面</div>
</body></html>
`
}

/** The page as text, its tables the way fixtures/fengshi-2020.txt shows them. */
export function pageText(html: string): string {
  const root = parse(html.replace(/<!doctype[^>]*>/i, ''))
  root.querySelector('head')?.remove()
  for (const table of root.querySelectorAll('table')) {
    const lines: string[] = []
    const width = Math.max(
      ...table
        .querySelectorAll('tr')
        .map((tr) => tr.querySelectorAll('td, th').reduce((n, c) => n + Number(c.getAttribute('colspan') ?? 1), 0))
    )
    for (const tr of table.querySelectorAll('tr')) {
      lines.push('|')
      let cells = 0
      let empties = ''
      for (const cell of tr.querySelectorAll('td, th')) {
        const text = cell.textContent.trim()
        const span = Number(cell.getAttribute('colspan') ?? 1)
        if (text === '') empties += '|'
        else {
          if (empties) lines.push(empties)
          empties = ''
          lines.push(`${text} |`)
        }
        empties += '|'.repeat(span - 1)
        cells += span
      }
      empties += '|'.repeat(Math.max(0, width - cells))
      if (empties) lines.push(empties)
    }
    table.replaceWith(`\n${lines.join('\n')}\n`)
  }
  return root.structuredText
}

/** The layouts other HTML-to-text tools (and `pdftotext -layout`) leave a page's tables in. */
export const TEXT_LAYOUTS = ['lines', 'pipe-lines', 'blank-lines', 'tabs', 'aligned', 'wrapped'] as const
export type TextLayout = (typeof TEXT_LAYOUTS)[number]

/** A table as rows of cells, a merged cell followed by empty ones for the columns it spans. */
function tableRows(table: ReturnType<typeof parse>): string[][] {
  return table.querySelectorAll('tr').map((tr) =>
    tr.querySelectorAll('td, th').flatMap((cell) => {
      const span = Number(cell.getAttribute('colspan') ?? 1)
      return [cell.textContent.trim(), ...Array<string>(span - 1).fill('')]
    })
  )
}

/** Long cells broken over two lines, as narrow columns print them (`本年新` / `制作数量`). */
const wrap = (cell: string) => (cell.length >= 8 ? `${cell.slice(0, 3)}\n${cell.slice(3)}` : cell)

function layoutOf(rows: string[][], layout: TextLayout): string {
  const filled = rows.map((row) => row.filter((cell) => cell !== ''))
  switch (layout) {
    case 'lines':
      return filled.flat().join('\n')
    case 'wrapped':
      return filled.flat().map(wrap).join('\n')
    case 'blank-lines':
      return filled.flat().join('\n\n')
    case 'pipe-lines':
      // A `|` alone on a line between cells; an empty cell is a `|` line with nothing before it.
      return rows.map((row) => ['|', ...row.flatMap((cell) => (cell ? [cell, '|'] : ['|']))].join('\n')).join('\n')
    case 'tabs':
      return rows.map((row) => row.join('\t')).join('\n')
    case 'aligned': {
      // Columns padded to their widest cell, two spaces apart; an empty cell is only spaces.
      const widths: number[] = []
      for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
      return rows
        .map((row) =>
          row
            .map((cell, i) => cell.padStart(widths[i]!))
            .join('   ')
            .trimEnd()
        )
        .join('\n')
    }
  }
}

/** The page as text with its tables in `layout`. */
export function pageTextAs(html: string, layout: TextLayout): string {
  const root = parse(html.replace(/<!doctype[^>]*>/i, ''))
  root.querySelector('head')?.remove()
  // Markers first: the text conversion would fold the layouts' tabs, space runs and blank lines.
  const tables = root.querySelectorAll('table').map((table, i) => {
    const text = layoutOf(tableRows(table), layout)
    table.replaceWith(`\nTABLE${i}MARK\n`)
    return text
  })
  return root.structuredText.replace(/TABLE(\d+)MARK/g, (_, i: string) => tables[Number(i)]!)
}

/** 坎市镇's 2021 report on the 2021 template, with figures in every table. */
export function kanshi2021(): Report {
  const report = sampleReport({ unit: '350803101', year: 2021, template: 'gb2021', random: seededRandom(4) })
  report.meta = {
    title: '龙岩市永定区坎市镇2021年政府信息公开工作年度报告',
    organ: '龙岩市永定区坎市镇人民政府',
    documentNumber: '坎政〔2022〕3号',
    publishedOn: '2022-01-20',
    sourceUrl: null,
    contact: { address: '龙岩市永定区坎市镇人民政府', postcode: '364102', phone: '0597—5123456', fax: '0597—5123457' }
  }
  report.narrative = {
    overview: '2021年，坎市镇……\n（一）主动公开情况\n全年主动公开政府信息20条。',
    problems: '一是……\n二是……',
    other: '无'
  }
  return report
}

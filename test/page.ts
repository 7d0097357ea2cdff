// Test helpers: a report rendered as a government web page (HTML), and that page's text as
// sites' HTML-to-text conversion prints it (cells as `text |` lines, `|` runs for empty cells).
import { escape } from 'html-escaper'
import { parse } from 'node-html-parser'
import type { CellTree, Report } from '../src/domain/report.js'
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

// The district's compiled report: tables 二, 三 and 四 of the national form of the year, filled
// with the aggregate of its townships, with a line on coverage; as printable HTML, as Markdown
// for pasting into the report's text, and as CSV rows (as a Word document: compiled-docx.ts).
import { escape } from 'html-escaper'
import type { Aggregate } from './aggregate.js'
import { valueAt } from './report.js'
import { flatRows, tableHeading, tableHtml, tableLayout, type CellText, type LayoutRow } from './render-tables.js'
import {
  tableOf,
  TEMPLATE_IDS,
  templateOfYear,
  TEMPLATES,
  UNCLASSIFIED_OTHER_ROW,
  type TableKey,
  type TemplateId
} from './templates.js'

export interface CompiledInput {
  scope: { code: string; name: string }
  year: number
  aggregate: Omit<Aggregate, 'statuses'>
  /** Townships with no report in the sums, and those first submitted late: the first names of each. */
  missing: string[]
  late: string[]
}

/** The rows summed into （六） when it is printed undivided: gb2021's sub-rows and gb2019's unclassified row. */
const OTHER_ROWS = [
  UNCLASSIFIED_OTHER_ROW.key,
  ...tableOf('gb2021', 'requests')
    .rows.flatMap((row) => row.children ?? [])
    .find((row) => row.key === 'other')!
    .children!.map((row) => row.key)
]

/** A figure as printed: integers as they are, decimals to at most six places, not summed as —. */
function figure(value: unknown): string {
  if (typeof value !== 'number') return '—'
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6)
}

/**
 * The value of a cell code in the layout's tables: 二 from the aggregate of its own template;
 * in a gb2019 layout, （六） sums gb2019's undivided row and gb2021's three sub-rows.
 */
function valueOf(input: CompiledInput, template: TemplateId, code: string): unknown {
  const path = code.split('.')
  const { aggregate } = input
  if (path[0] === 'proactive') return valueAt(aggregate.proactive[template], path.slice(1))
  if (templateOfYear(input.year) === 'gb2019' && code.startsWith('requests.outcomes.other.')) {
    const column = path.at(-1)!
    const other = (aggregate.requests.outcomes as Record<string, Record<string, Record<string, number>>>).other!
    return OTHER_ROWS.reduce((sum, row) => sum + (other[row]?.[column] ?? 0), 0)
  }
  return valueAt(aggregate, path)
}

/** The templates whose 二 is printed: each that reports used (the year's own when none did). */
function proactiveTemplates(input: CompiledInput): TemplateId[] {
  const used = TEMPLATE_IDS.filter((id) => input.aggregate.templates[id] > 0)
  return used.length > 0 ? used : [templateOfYear(input.year)]
}

const unclassifiedRow = (input: CompiledInput) =>
  templateOfYear(input.year) === 'gb2021' && input.aggregate.templates.gb2019 > 0

/** Up to thirty names, then how many there are in all. */
function list(names: string[], total: number): string {
  return total <= 30 ? names.join('、') : `${names.slice(0, 30).join('、')}等${total}个`
}

/** The coverage line under the tables: never let a missing report pass for a zero. */
export function coverageLine(input: CompiledInput): string {
  const c = input.aggregate.coverage
  const parts = [
    `本表汇总${input.scope.name}应报送的${c.expected}个乡镇（街道）中已报送的${c.submitted}个（按时${c.onTime}个，逾期${c.late}个）`
  ]
  parts.push(
    c.missing > 0 ? `未报送（或仅有草稿、被退回）${c.missing}个：${list(input.missing, c.missing)}` : '无未报送单位'
  )
  if (c.late > 0) parts.push(`逾期报送${c.late}个：${list(input.late, c.late)}`)
  return parts.join('；') + '。'
}

export const compiledTitle = (input: CompiledInput) =>
  `${input.scope.name}${input.year}年政府信息公开工作年度报告统计表（汇总）`

const STYLE = `
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; margin: 2em auto; max-width: 60em; color: #000; }
h1 { font-size: 1.4em; text-align: center; }
h2 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .9em; }
th, td { border: 1px solid #000; padding: .25em .4em; text-align: center; }
td:first-child, th[colspan="3"] { text-align: left; }
p.caption { margin: .5em 0 0; font-weight: bold; }
p.coverage { border-top: 1px solid #000; padding-top: .5em; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; }
}
`

/** A table as the compiled report prints it: its layout, and the text of each figure. */
export interface PrintedTable {
  key: TableKey
  /** Over each 二 when both templates were used: which reports it sums. */
  caption?: string
  rows: LayoutRow[]
  text: CellText
}

/** The tables of the compiled report in print order: 二 (once per template used), 三, 四. */
export function printedTables(input: CompiledInput): PrintedTable[] {
  const layout = templateOfYear(input.year)
  const text = (template: TemplateId) => (code: string) => figure(valueOf(input, template, code))
  const templates = proactiveTemplates(input)
  return [
    ...templates.map((template) => ({
      key: 'proactive' as const,
      ...(templates.length > 1
        ? { caption: `按${TEMPLATES[template].shortZh}报送的${input.aggregate.templates[template]}个单位` }
        : {}),
      rows: tableLayout(template, 'proactive'),
      text: text(template)
    })),
    {
      key: 'requests',
      rows: tableLayout(layout, 'requests', { unclassified: unclassifiedRow(input) }),
      text: text(layout)
    },
    { key: 'appeals', rows: tableLayout(layout, 'appeals'), text: text(layout) }
  ]
}

export function compiledHtml(input: CompiledInput): string {
  const body = printedTables(input).map((table, i, all) => {
    const heading = all[i - 1]?.key === table.key ? '' : `<h2>${tableHeading(table.key)}</h2>\n`
    const caption = table.caption ? `<p class="caption">${escape(table.caption)}</p>` : ''
    return heading + caption + tableHtml(table.key, table.rows, table.text)
  })
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>${escape(compiledTitle(input))}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(compiledTitle(input))}</h1>
${body.join('\n')}
<p class="coverage">${escape(coverageLine(input))}</p>
</body></html>
`
}

const mdRow = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`

function mdTable(header: string[], rows: string[][]): string {
  return [mdRow(header), mdRow(header.map(() => '---')), ...rows.map(mdRow)].join('\n')
}

export function compiledMarkdown(input: CompiledInput): string {
  const layout = templateOfYear(input.year)
  const out = [`# ${compiledTitle(input)}`, '', `## ${tableHeading('proactive')}`, '']
  for (const template of proactiveTemplates(input)) {
    if (proactiveTemplates(input).length > 1)
      out.push(`按${TEMPLATES[template].shortZh}报送的${input.aggregate.templates[template]}个单位：`, '')
    const rows = flatRows(template, 'proactive')
    const width = Math.max(...rows.map((r) => r.cells.length))
    out.push(
      mdTable(
        ['信息内容', ...Array.from({ length: width }, (_, i) => `栏${i + 1}`)],
        rows.map((r) => [
          r.label,
          ...r.cells.map((c) => `${c.column}：${figure(valueOf(input, template, c.code))}`),
          ...Array.from({ length: width - r.cells.length }, () => '')
        ])
      ),
      ''
    )
  }
  const requestRows = flatRows(layout, 'requests', { unclassified: unclassifiedRow(input) })
  out.push(`## ${tableHeading('requests')}`, '', tableOf(layout, 'requests').note ?? '', '')
  out.push(
    mdTable(
      ['项目', ...requestRows[0]!.cells.map((c) => c.column)],
      requestRows.map((r) => [r.label, ...r.cells.map((c) => figure(valueOf(input, layout, c.code)))])
    ),
    ''
  )
  const appealRows = flatRows(layout, 'appeals')
  out.push(`## ${tableHeading('appeals')}`, '')
  out.push(
    mdTable(
      ['', ...appealRows[0]!.cells.map((c) => c.column)],
      appealRows.map((r) => [r.label, ...r.cells.map((c) => figure(valueOf(input, layout, c.code)))])
    ),
    ''
  )
  out.push(coverageLine(input), '')
  return out.join('\n')
}

/** One row per printed cell: table, template, code, label, value. */
export function compiledCsvRows(input: CompiledInput): string[][] {
  const layout = templateOfYear(input.year)
  const rows: string[][] = [['table', 'template', 'code', 'label', 'value']]
  for (const template of proactiveTemplates(input)) {
    for (const cell of TEMPLATES[template].cells.filter((c) => c.table === 'proactive')) {
      rows.push(['二', template, cell.code, cell.zh, figure(valueOf(input, template, cell.code))])
    }
  }
  for (const row of flatRows(layout, 'requests', { unclassified: unclassifiedRow(input) })) {
    for (const cell of row.cells)
      rows.push(['三', layout, cell.code, `${row.label} · ${cell.column}`, figure(valueOf(input, layout, cell.code))])
  }
  for (const cell of TEMPLATES[layout].cells.filter((c) => c.table === 'appeals'))
    rows.push(['四', layout, cell.code, cell.zh, figure(valueOf(input, layout, cell.code))])
  return rows
}

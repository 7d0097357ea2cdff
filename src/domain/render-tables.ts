// Tables 二, 三 and 四 as HTML, laid out as on the national form of the template: the same rows,
// labels and merged header cells. Used for the compiled district report and to make test pages.
import { APPEAL_COLUMNS, APPLICANT_COLUMNS, TEMPLATES, type RowDef, type TemplateId } from './templates.js'

/** The text to print in a cell, by cell code (an empty string leaves the cell blank). */
export type CellText = (code: string) => string

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

function td(text: string, attributes: { rowspan?: number; colspan?: number; header?: boolean } = {}): string {
  const tag = attributes.header ? 'th' : 'td'
  const span = `${attributes.rowspan && attributes.rowspan > 1 ? ` rowspan="${attributes.rowspan}"` : ''}${
    attributes.colspan && attributes.colspan > 1 ? ` colspan="${attributes.colspan}"` : ''
  }`
  return `<${tag}${span}>${escape(text)}</${tag}>`
}

const rows = (template: TemplateId, table: string) => TEMPLATES[template].tables.find((t) => t.key === table)!.rows

/** 二: one block per article of 第二十条, each with its own header row. */
function proactive(template: TemplateId, text: CellText): string {
  const width = 4
  const out: string[] = []
  const sections = new Map<string, RowDef[]>()
  for (const row of rows(template, 'proactive'))
    sections.set(row.section!, [...(sections.get(row.section!) ?? []), row])
  for (const [section, sectionRows] of sections) {
    const columns = sectionRows[0]!.columns!
    out.push(`<tr>${td(section, { colspan: width, header: true })}</tr>`)
    const last = width - columns.length // the last column header spans what the section does not use
    out.push(
      `<tr>${td('信息内容', { header: true })}${columns.map((c, i) => td(c.zh, { header: true, colspan: i === columns.length - 1 ? last : 1 })).join('')}</tr>`
    )
    for (const row of sectionRows) {
      out.push(
        `<tr>${td(row.zh)}${row.columns!.map((c, i) => td(text(`proactive.${row.key}.${c.key}`), { colspan: i === columns.length - 1 ? last : 1 })).join('')}</tr>`
      )
    }
  }
  return `<table class="t2">${out.join('\n')}</table>`
}

/** Leaves under a row, for the rowspan of its label. */
const leaves = (row: RowDef): number => (row.children ? row.children.reduce((n, c) => n + leaves(c), 0) : 1)

/** A row for gb2019 reports' （六）其他处理, which has no breakdown, under gb2021's （六）. */
export const UNCLASSIFIED_ROW: RowDef = {
  key: 'unclassified',
  zh: '4.按2019年格式报送、未细分',
  en: 'Reported on the 2019 template, not broken down',
  columns: APPLICANT_COLUMNS
}

/** 三's rows, with the unclassified row under （六） when asked for (gb2021 layout only). */
function requestRows(template: TemplateId, unclassified: boolean): readonly RowDef[] {
  if (!unclassified || template !== 'gb2021') return rows(template, 'requests')
  const addTo = (row: RowDef): RowDef =>
    row.key === 'other' && row.children
      ? { ...row, children: [...row.children, UNCLASSIFIED_ROW] }
      : row.children
        ? { ...row, children: row.children.map(addTo) }
        : row
  return rows(template, 'requests').map(addTo)
}

/** 三: three label columns (一 … 四, (一) … (七), 1. …), seven applicant columns. */
function requests(template: TemplateId, text: CellText, unclassified: boolean): string {
  const labelColumns = 3
  const header = [
    `<tr>${td('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', { rowspan: 3, colspan: labelColumns, header: true })}${td('申请人情况', { colspan: 7, header: true })}</tr>`,
    `<tr>${td('自然人', { rowspan: 2, header: true })}${td('法人或其他组织', { colspan: 5, header: true })}${td('总计', { rowspan: 2, header: true })}</tr>`,
    `<tr>${APPLICANT_COLUMNS.slice(1, 6)
      .map((c) => td(c.zh, { header: true }))
      .join('')}</tr>`
  ]
  const body: string[] = []
  const walk = (row: RowDef, depth: number, path: string, pending: string): void => {
    const here = `${path}.${row.key}`
    if (row.children) {
      row.children.forEach((child, i) =>
        walk(child, depth + 1, here, (i === 0 ? pending : '') + (i === 0 ? td(row.zh, { rowspan: leaves(row) }) : ''))
      )
      return
    }
    const label = td(row.zh, { colspan: labelColumns - depth })
    body.push(`<tr>${pending}${label}${APPLICANT_COLUMNS.map((c) => td(text(`${here}.${c.key}`))).join('')}</tr>`)
  }
  for (const row of requestRows(template, unclassified)) walk(row, 0, 'requests', '')
  return `<table class="t3">${[...header, ...body].join('\n')}</table>`
}

/** 四: 行政复议 (five columns) and 行政诉讼 (two groups of five), one row of figures. */
function appeals(template: TemplateId, text: CellText): string {
  const [reconsideration, direct, after] = rows(template, 'appeals')
  const header = [
    `<tr>${td('行政复议', { colspan: 5, header: true })}${td('行政诉讼', { colspan: 10, header: true })}</tr>`,
    `<tr>${APPEAL_COLUMNS.map((c) => td(c.zh, { rowspan: 2, header: true })).join('')}${td('未经复议直接起诉', { colspan: 5, header: true })}${td('复议后起诉', { colspan: 5, header: true })}</tr>`,
    `<tr>${[...APPEAL_COLUMNS, ...APPEAL_COLUMNS].map((c) => td(c.zh, { header: true })).join('')}</tr>`
  ]
  const figures = [reconsideration!, direct!, after!].flatMap((group) =>
    APPEAL_COLUMNS.map((c) => td(text(`appeals.${group.key}.${c.key}`)))
  )
  return `<table class="t4">${[...header, `<tr>${figures.join('')}</tr>`].join('\n')}</table>`
}

export const TABLE_HEADINGS = {
  proactive: '二、主动公开政府信息情况',
  requests: '三、收到和处理政府信息公开申请情况',
  appeals: '四、政府信息公开行政复议、行政诉讼情况'
} as const

/**
 * The three tables as on the national form of `template`. `unclassified` adds, under gb2021's
 * （六）, a row for gb2019 reports' undivided （六） (cell codes requests.outcomes.other.unclassified.*).
 */
export function renderTables(
  template: TemplateId,
  text: CellText,
  options: { unclassified?: boolean } = {}
): { proactive: string; requests: string; appeals: string } {
  return {
    proactive: proactive(template, text),
    requests: requests(template, text, options.unclassified ?? false),
    appeals: appeals(template, text)
  }
}

/** Tables 二 (of one template) and 三 of the layout, flattened to rows of labelled cells: for Markdown and CSV. */
export function flatRows(
  template: TemplateId,
  table: 'proactive' | 'requests',
  options: { unclassified?: boolean } = {}
) {
  const out: Array<{ label: string; cells: Array<{ code: string; column: string }> }> = []
  const walk = (row: RowDef, path: string, labels: string[]) => {
    const here = `${path}.${row.key}`
    const names = [...labels, row.zh]
    for (const child of row.children ?? []) walk(child, here, names)
    if (row.columns)
      out.push({ label: names.join(' '), cells: row.columns.map((c) => ({ code: `${here}.${c.key}`, column: c.zh })) })
  }
  const source = table === 'requests' ? requestRows(template, options.unclassified ?? false) : rows(template, table)
  for (const row of source) walk(row, table, [])
  return out
}

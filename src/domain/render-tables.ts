// Tables 二, 三 and 四 as HTML, laid out as on the national form of the template: the same rows,
// labels and merged header cells, all taken from the template's definition. Used for the compiled
// district report and to make test pages.
import { escape } from 'html-escaper'
import {
  tableOf,
  UNCLASSIFIED_OTHER_ROW,
  type Label,
  type RowDef,
  type TableKey,
  type TemplateId
} from './templates.js'

/** The text to print in a cell, by cell code (an empty string leaves the cell blank). */
export type CellText = (code: string) => string

/**
 * One cell of a printed table: a heading or label (`text`), or a figure (`code`, the cell code
 * whose value it shows). The compiled report prints it; the entry page puts an input there.
 */
export interface LayoutCell {
  text: string
  code?: string
  rowspan?: number
  colspan?: number
  /** A header cell (th): the column headings and the section titles. */
  header?: boolean
}
export type LayoutRow = LayoutCell[]

interface Span {
  rowspan?: number
  colspan?: number
}

const spans = ({ rowspan = 1, colspan = 1 }: Span): Span => ({
  ...(rowspan > 1 ? { rowspan } : {}),
  ...(colspan > 1 ? { colspan } : {})
})
const th = (text: string, span: Span = {}): LayoutCell => ({ text, header: true, ...spans(span) })
const label = (text: string, span: Span = {}): LayoutCell => ({ text, ...spans(span) })
const figure = (code: string, span: Span = {}): LayoutCell => ({ text: '', code, ...spans(span) })

/** Consecutive items sharing a key, in order: the merged header cells of a printed form. */
function runs<T>(items: readonly T[], key: (item: T) => string | undefined): Array<{ key?: string; items: T[] }> {
  const out: Array<{ key?: string; items: T[] }> = []
  for (const item of items) {
    const k = key(item)
    const last = out.at(-1)
    if (last && k !== undefined && last.key === k) last.items.push(item)
    else out.push({ ...(k === undefined ? {} : { key: k }), items: [item] })
  }
  return out
}

/**
 * Two header rows over a list of columns: a grouped column's group spans its run, an ungrouped
 * column spans both rows.
 */
function groupedHeader(columns: ReadonlyArray<Label & { group?: Label }>): [LayoutRow, LayoutRow] {
  const top: LayoutRow = []
  const bottom: LayoutRow = []
  for (const run of runs(columns, (c) => c.group?.zh)) {
    if (run.key === undefined) top.push(...run.items.map((c) => th(c.zh, { rowspan: 2 })))
    else {
      top.push(th(run.key, { colspan: run.items.length }))
      bottom.push(...run.items.map((c) => th(c.zh)))
    }
  }
  return [top, bottom]
}

/** 二: one block per article of 第二十条, each with its own header row. */
function proactive(template: TemplateId): LayoutRow[] {
  const rows = tableOf(template, 'proactive').rows
  const width = 1 + Math.max(...rows.map((row) => row.columns!.length))
  const out: LayoutRow[] = []
  for (const section of runs(rows, (row) => row.section)) {
    const columns = section.items[0]!.columns!
    // The last column spans what the section does not use.
    const span = (i: number) => ({ colspan: i === columns.length - 1 ? width - columns.length : 1 })
    out.push([th(section.key!, { colspan: width })])
    out.push([th('信息内容'), ...columns.map((c, i) => th(c.zh, span(i)))])
    for (const row of section.items)
      out.push([label(row.zh), ...row.columns!.map((c, i) => figure(`proactive.${row.key}.${c.key}`, span(i)))])
  }
  return out
}

/** Leaves under a row, for the rowspan of its label. */
const leaves = (row: RowDef): number => (row.children ? row.children.reduce((n, c) => n + leaves(c), 0) : 1)

const depth = (row: RowDef): number => (row.children ? 1 + Math.max(...row.children.map(depth)) : 1)

/** 三's rows, with the unclassified row under （六） when asked for (gb2021 layout only). */
function requestRows(template: TemplateId, unclassified: boolean): readonly RowDef[] {
  const rows = tableOf(template, 'requests').rows
  const addTo = (row: RowDef): RowDef =>
    row.key === 'other' && row.children
      ? { ...row, children: [...row.children, UNCLASSIFIED_OTHER_ROW] }
      : row.children
        ? { ...row, children: row.children.map(addTo) }
        : row
  return unclassified ? rows.map(addTo) : rows
}

/** 三: as many label columns as the rows nest (一 … 四, (一) … (七), 1. …), then the applicant columns. */
function requests(template: TemplateId, unclassified: boolean): LayoutRow[] {
  const table = tableOf(template, 'requests')
  const rows = requestRows(template, unclassified)
  const labelColumns = Math.max(...rows.map(depth))
  const columns = rows[0]!.columns!
  const [groups, kinds] = groupedHeader(columns)
  const out: LayoutRow[] = [
    [
      th(table.note ?? '', { rowspan: 3, colspan: labelColumns }),
      th(table.columnsHeading?.zh ?? '', { colspan: columns.length })
    ],
    groups,
    kinds
  ]
  const walk = (row: RowDef, level: number, path: string, pending: LayoutRow): void => {
    const here = `${path}.${row.key}`
    if (row.children) {
      row.children.forEach((child, i) =>
        walk(child, level + 1, here, i === 0 ? [...pending, label(row.zh, { rowspan: leaves(row) })] : [])
      )
      return
    }
    out.push([
      ...pending,
      label(row.zh, { colspan: labelColumns - level }),
      ...row.columns!.map((c) => figure(`${here}.${c.key}`))
    ])
  }
  for (const row of rows) walk(row, 0, 'requests', [])
  return out
}

/** 四: one column group per row (行政复议; 行政诉讼's two under their group), one row of figures. */
function appeals(template: TemplateId): LayoutRow[] {
  const rows = tableOf(template, 'appeals').rows
  const top: LayoutRow = []
  const middle: LayoutRow = []
  const bottom: LayoutRow = []
  for (const run of runs(rows, (row) => row.group?.zh)) {
    const width = run.items.reduce((n, row) => n + row.columns!.length, 0)
    if (run.key === undefined) {
      for (const row of run.items) {
        top.push(th(row.zh, { colspan: row.columns!.length }))
        middle.push(...row.columns!.map((c) => th(c.zh, { rowspan: 2 })))
      }
    } else {
      top.push(th(run.key, { colspan: width }))
      for (const row of run.items) {
        middle.push(th(row.zh, { colspan: row.columns!.length }))
        bottom.push(...row.columns!.map((c) => th(c.zh)))
      }
    }
  }
  const figures = rows.flatMap((row) => row.columns!.map((c) => figure(`appeals.${row.key}.${c.key}`)))
  return [top, middle, bottom, figures]
}

/**
 * A table as on the national form of `template`: its rows of header, label and figure cells.
 * `unclassified` adds, under gb2021's （六）, a row for gb2019 reports' undivided （六） (cell codes
 * requests.outcomes.other.unclassified.*).
 */
export function tableLayout(
  template: TemplateId,
  key: TableKey,
  options: { unclassified?: boolean } = {}
): LayoutRow[] {
  if (key === 'proactive') return proactive(template)
  if (key === 'requests') return requests(template, (options.unclassified ?? false) && template === 'gb2021')
  return appeals(template)
}

/** The class of each table's element in the compiled report (and its print styles). */
export const TABLE_CLASSES: Record<TableKey, string> = { proactive: 't2', requests: 't3', appeals: 't4' }

function cellHtml(cell: LayoutCell, text: CellText): string {
  const tag = cell.header ? 'th' : 'td'
  const rowspan = cell.rowspan ? ` rowspan="${cell.rowspan}"` : ''
  const attributes = `${rowspan}${cell.colspan ? ` colspan="${cell.colspan}"` : ''}`
  return `<${tag}${attributes}>${escape(cell.code === undefined ? cell.text : text(cell.code))}</${tag}>`
}

/** The heading of each table, as the form prints it (the same in both templates). */
export const tableHeading = (key: TableKey): string => tableOf('gb2021', key).zh

/** A table's rows as an HTML table element of its class. */
export function tableHtml(key: TableKey, rows: readonly LayoutRow[], text: CellText): string {
  const lines = rows.map((row) => `<tr>${row.map((c) => cellHtml(c, text)).join('')}</tr>`)
  return `<table class="${TABLE_CLASSES[key]}">${lines.join('\n')}</table>`
}

/** The three tables as HTML, laid out as on the national form of `template` (see tableLayout). */
export function renderTables(
  template: TemplateId,
  text: CellText,
  options: { unclassified?: boolean } = {}
): Record<TableKey, string> {
  const html = (key: TableKey) => tableHtml(key, tableLayout(template, key, options), text)
  return { proactive: html('proactive'), requests: html('requests'), appeals: html('appeals') }
}

export interface FlatRow {
  /** The row's labels from the table's top down, joined. */
  label: string
  cells: Array<{ code: string; column: string }>
}

/** A table of the layout flattened to rows of labelled cells: for Markdown and CSV. */
export function flatRows(template: TemplateId, table: TableKey, options: { unclassified?: boolean } = {}): FlatRow[] {
  const out: FlatRow[] = []
  const walk = (row: RowDef, path: string, labels: string[]) => {
    const here = `${path}.${row.key}`
    const names = [...labels, ...(row.group ? [row.group.zh] : []), row.zh]
    for (const child of row.children ?? []) walk(child, here, names)
    if (row.columns)
      out.push({ label: names.join(' '), cells: row.columns.map((c) => ({ code: `${here}.${c.key}`, column: c.zh })) })
  }
  const unclassified = (options.unclassified ?? false) && template === 'gb2021'
  const source = table === 'requests' ? requestRows(template, unclassified) : tableOf(template, table).rows
  for (const row of source) walk(row, table, [])
  return out
}

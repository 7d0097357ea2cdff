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

interface Span {
  rowspan?: number
  colspan?: number
  header?: boolean
}

function td(text: string, { rowspan = 1, colspan = 1, header = false }: Span = {}): string {
  const tag = header ? 'th' : 'td'
  const spans = `${rowspan > 1 ? ` rowspan="${rowspan}"` : ''}${colspan > 1 ? ` colspan="${colspan}"` : ''}`
  return `<${tag}${spans}>${escape(text)}</${tag}>`
}

const th = (text: string, span: Omit<Span, 'header'> = {}) => td(text, { ...span, header: true })
const tr = (cells: readonly string[]) => `<tr>${cells.join('')}</tr>`

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
function groupedHeader(columns: ReadonlyArray<Label & { group?: Label }>): [string[], string[]] {
  const top: string[] = []
  const bottom: string[] = []
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
function proactive(template: TemplateId, text: CellText): string {
  const rows = tableOf(template, 'proactive').rows
  const width = 1 + Math.max(...rows.map((row) => row.columns!.length))
  const out: string[] = []
  for (const section of runs(rows, (row) => row.section)) {
    const columns = section.items[0]!.columns!
    // The last column spans what the section does not use.
    const span = (i: number) => ({ colspan: i === columns.length - 1 ? width - columns.length : 1 })
    out.push(tr([th(section.key!, { colspan: width })]))
    out.push(tr([th('信息内容'), ...columns.map((c, i) => th(c.zh, span(i)))]))
    for (const row of section.items)
      out.push(tr([td(row.zh), ...row.columns!.map((c, i) => td(text(`proactive.${row.key}.${c.key}`), span(i)))]))
  }
  return `<table class="t2">${out.join('\n')}</table>`
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
function requests(template: TemplateId, text: CellText, unclassified: boolean): string {
  const table = tableOf(template, 'requests')
  const rows = requestRows(template, unclassified)
  const labelColumns = Math.max(...rows.map(depth))
  const columns = rows[0]!.columns!
  const [groups, kinds] = groupedHeader(columns)
  const header = [
    tr([
      th(table.note ?? '', { rowspan: 3, colspan: labelColumns }),
      th(table.columnsHeading?.zh ?? '', { colspan: columns.length })
    ]),
    tr(groups),
    tr(kinds)
  ]
  const body: string[] = []
  const walk = (row: RowDef, level: number, path: string, pending: string): void => {
    const here = `${path}.${row.key}`
    if (row.children) {
      row.children.forEach((child, i) =>
        walk(child, level + 1, here, i === 0 ? pending + td(row.zh, { rowspan: leaves(row) }) : '')
      )
      return
    }
    const label = td(row.zh, { colspan: labelColumns - level })
    body.push(tr([pending, label, ...row.columns!.map((c) => td(text(`${here}.${c.key}`)))]))
  }
  for (const row of rows) walk(row, 0, 'requests', '')
  return `<table class="t3">${[...header, ...body].join('\n')}</table>`
}

/** 四: one column group per row (行政复议; 行政诉讼's two under their group), one row of figures. */
function appeals(template: TemplateId, text: CellText): string {
  const rows = tableOf(template, 'appeals').rows
  const top: string[] = []
  const middle: string[] = []
  const bottom: string[] = []
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
  const figures = rows.flatMap((row) => row.columns!.map((c) => td(text(`appeals.${row.key}.${c.key}`))))
  return `<table class="t4">${[tr(top), tr(middle), tr(bottom), tr(figures)].join('\n')}</table>`
}

/** The heading of each table, as the form prints it (the same in both templates). */
export const tableHeading = (key: TableKey): string => tableOf('gb2021', key).zh

/**
 * The three tables as on the national form of `template`. `unclassified` adds, under gb2021's
 * （六）, a row for gb2019 reports' undivided （六） (cell codes requests.outcomes.other.unclassified.*).
 */
export function renderTables(
  template: TemplateId,
  text: CellText,
  options: { unclassified?: boolean } = {}
): Record<TableKey, string> {
  return {
    proactive: proactive(template, text),
    requests: requests(template, text, (options.unclassified ?? false) && template === 'gb2021'),
    appeals: appeals(template, text)
  }
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

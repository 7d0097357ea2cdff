// Placing the cells of a page's tables into the template: each row is found by its label (in
// the template's order), and the cells after it are read as that row's columns. Nothing is
// guessed: a row that is not found, or whose cells are not values, leaves its cells null.
import { tableOf, TEMPLATE_IDS, TEMPLATES, type CellDef, type RowDef, type TemplateId } from '../templates.js'
import { fitsType } from '../cell-value.js'
import { labelMatches, normalizeLabel, readValue, withoutNumbering, type ReadValue } from './text.js'

export interface ReadCells {
  values: Map<string, number | null>
  /** gb2019 二 第二十条第（九）项: the unit written with the procurement amount, if any. */
  amountUnit: 'yuan' | 'wan' | null
  notFound: string[]
  notes: string[]
}

interface Row {
  key: string
  labels: string[]
  cells: CellDef[]
}

/** The rows of a table that carry cells, each with its printed label and the template's aliases. */
function rowsOf(template: TemplateId, table: 'proactive' | 'requests'): Row[] {
  const rows: Row[] = []
  const walk = (row: RowDef, path: string) => {
    const key = `${path}.${row.key}`
    for (const child of row.children ?? []) walk(child, key)
    if (!row.columns) return
    const labels = [row.zh, ...(row.aliases ?? [])].map(normalizeLabel)
    const codes = new Set(row.columns.map((c) => `${key}.${c.key}`))
    rows.push({ key, labels, cells: TEMPLATES[template].cells.filter((c) => codes.has(c.code)) })
  }
  for (const row of tableOf(template, table).rows) walk(row, table)
  return rows
}

const ROWS = Object.fromEntries(
  TEMPLATE_IDS.map((id) => [id, { proactive: rowsOf(id, 'proactive'), requests: rowsOf(id, 'requests') }])
) as Record<TemplateId, { proactive: Row[]; requests: Row[] }>

/** Every label printed in 四's header (groups, rows, columns): the data row follows the last of them. */
function appealHeaders(template: TemplateId): Set<string> {
  const rows = tableOf(template, 'appeals').rows
  const words = rows.flatMap((row) => [...(row.group ? [row.group.zh] : []), row.zh, ...row.columns!.map((c) => c.zh)])
  return new Set(words.map(normalizeLabel))
}

const APPEAL_HEADERS = Object.fromEntries(TEMPLATE_IDS.map((id) => [id, appealHeaders(id)])) as Record<
  TemplateId,
  Set<string>
>

/** A label broken over this many lines at most (`本年新` / `制作数量`) is read as one. */
const MAX_LABEL_PARTS = 3

/**
 * How many tokens from `at` on, joined, make a label that `accepts` takes (0 for none): the
 * fewest that do, then as many more as still continue the label as printed (`complete`), so
 * that the rest of a broken label is not read as the row's first cell. Figures never join.
 */
function labelSpan(
  normalized: readonly string[],
  at: number,
  accepts: (text: string) => boolean,
  continues: (text: string) => boolean
): number {
  let text = ''
  let n = 0
  while (n < MAX_LABEL_PARTS && at + n < normalized.length) {
    const part = normalized[at + n]!
    if (part === '' || (n > 0 && readValue(part).kind !== 'text')) return 0
    text += part
    n++
    if (accepts(text)) break
    if (n === MAX_LABEL_PARTS) return 0
  }
  if (!accepts(text)) return 0
  while (n < MAX_LABEL_PARTS && at + n < normalized.length) {
    const next = normalized[at + n]!
    if (next === '' || readValue(next).kind !== 'text' || !continues(text + next)) break
    text += next
    n++
  }
  return n
}

/** Whether `text` is the start of one of the labels (with or without their numbering). */
const startsOneOf = (labels: readonly string[]) => (text: string) =>
  labels.some((label) => label.startsWith(text) || withoutNumbering(label).startsWith(withoutNumbering(text)))

export function readCells(cells: readonly string[], template: TemplateId): ReadCells {
  const normalized = cells.map(normalizeLabel)
  const values = new Map<string, number | null>()
  const notFound: string[] = []
  const notes: string[] = []
  let amountUnit: 'yuan' | 'wan' | null = null

  /**
   * Reads a row's cells from the tokens after its label. Converters pad merged cells with empty
   * ones, before the figures or after them; of the cells up to the next label, the run of the
   * row's width holding the most figures is taken (the first such run). A label where a figure
   * should be means the row does not line up: it is reported and left blank, never shifted.
   * Returns where the row ends.
   */
  function place(rowCells: readonly CellDef[], at: number, label: string): number {
    const width = rowCells.length
    const run: ReadValue[] = []
    for (let i = at; i < cells.length && run.length < width + 16; i++) {
      const read = readValue(cells[i]!)
      if (read.kind === 'text') break
      run.push(read)
    }
    const numbers = (from: number) => run.slice(from, from + width).filter((r) => r.kind === 'number').length
    let start = 0
    for (let from = 1; from + width <= run.length; from++) if (numbers(from) > numbers(start)) start = from
    const window = run.slice(start, start + width)
    if (window.length < width && at + run.length < cells.length) {
      notes.push(`${label}: ${window.length} figures where the row has ${width} columns; the row was left blank`)
      notFound.push(...rowCells.map((c) => c.code))
      return at + run.length
    }
    rowCells.forEach((cell, i) => {
      const read = window[i]
      if (read === undefined) return notFound.push(cell.code) // the page ends here
      let value = read.kind === 'number' ? read.value : null
      if (read.kind === 'number' && read.unit) {
        if (cell.code === 'proactive.procurement.amount') amountUnit = read.unit
        else if (cell.code === 'proactive.fees.amount' && read.unit === 'yuan') value = read.value / 10_000
      }
      values.set(cell.code, checked(cell, value, label))
    })
    return at + start + window.length
  }

  /** A figure the cell's type allows, or null with a note. */
  function checked(cell: CellDef, value: number | null, label: string): number | null {
    if (value === null) return null
    if (fitsType(cell.type, value)) return value
    notes.push(`${label} · ${cell.column.zh}: ${value} is not a ${cell.type}; left blank`)
    notFound.push(cell.code)
    return null
  }

  let position = 0
  const placeRows = (rows: readonly Row[]) => {
    for (const row of rows) {
      const accepts = (text: string) => row.labels.some((label) => labelMatches(text, label))
      const continues = startsOneOf(row.labels)
      let at = position
      let parts = 0
      for (; at < normalized.length; at++) if ((parts = labelSpan(normalized, at, accepts, continues)) > 0) break
      if (parts === 0) {
        notFound.push(...row.cells.map((c) => c.code))
        continue
      }
      position = place(row.cells, at + parts, cells.slice(at, at + parts).join(''))
    }
  }
  placeRows(ROWS[template].proactive)
  placeRows(ROWS[template].requests)

  // 四 has no row labels: its figures are the fifteen cells after its last header.
  const appealCells = TEMPLATES[template].cells.filter((c) => c.table === 'appeals')
  const first = normalizeLabel(tableOf(template, 'appeals').rows[0]!.zh)
  const headers = APPEAL_HEADERS[template]
  const isHeader = (text: string) => headers.has(text)
  const continuesHeader = startsOneOf([...headers])
  let start = position
  while (start < normalized.length && labelSpan(normalized, start, (text) => text === first, continuesHeader) === 0)
    start++
  if (start >= normalized.length) {
    notFound.push(...appealCells.map((c) => c.code))
  } else {
    // The header ends with the last of its words (each possibly broken over lines).
    let end = start
    for (let i = start; i < normalized.length && i < start + 60 * MAX_LABEL_PARTS; i++) {
      const parts = labelSpan(normalized, i, isHeader, continuesHeader)
      if (parts > 0) {
        end = i + parts - 1
        i = end
      }
    }
    // Header words that could not be told (cells of a PDF run together, `结果维结果纠…`) stand
    // between the last one told and the figures: the figures start at the first value after it.
    let first = end + 1
    while (first < cells.length && first < end + 40 && readValue(cells[first]!).kind === 'text') first++
    if (first < cells.length && readValue(cells[first]!).kind !== 'text') end = first - 1
    place(appealCells, end + 1, tableOf(template, 'appeals').zh)
  }
  return { values, amountUnit, notFound, notes }
}

/** The labels a template prints (rows, columns, groups), normalized. */
function printedLabels(template: TemplateId): Set<string> {
  const labels = TEMPLATES[template].cells.flatMap((c) => [
    c.column.zh,
    ...(c.column.group ? [c.column.group.zh] : []),
    ...c.rowLabels.map((l) => l.zh)
  ])
  return new Set(labels.map(normalizeLabel))
}

/**
 * The marks of each template: its labels that the other template neither prints nor contains
 * (行政规范性文件 marks nothing, as it contains gb2019's 规范性文件).
 */
const MARKS = Object.fromEntries(
  TEMPLATE_IDS.map((id) => {
    const others = TEMPLATE_IDS.filter((o) => o !== id).flatMap((o) => [...printedLabels(o)])
    const own = [...printedLabels(id)].filter((l) => !others.some((o) => o.includes(l) || l.includes(o)))
    return [id, own]
  })
) as Record<TemplateId, string[]>

/** Which template the tables are printed in, from the headers only (never from the year). */
export function detectTemplate(cells: readonly string[]): TemplateId | undefined {
  const normalized = cells.map(normalizeLabel)
  const present = new Set(normalized)
  // Headers broken over lines: two and three consecutive words joined too.
  for (let i = 0; i < normalized.length; i++) {
    let text = normalized[i]!
    for (let n = 1; n < MAX_LABEL_PARTS && i + n < normalized.length; n++) {
      const next = normalized[i + n]!
      if (text === '' || next === '' || readValue(next).kind !== 'text' || readValue(text).kind !== 'text') break
      text += next
      present.add(text)
    }
  }
  const words = [...present]
  const scores = TEMPLATE_IDS.map((id) => ({
    id,
    score: MARKS[id].filter((mark) => words.some((cell) => labelMatches(cell, mark) || cell.startsWith(mark))).length
  })).sort((a, b) => b.score - a.score)
  const [best, next] = scores
  return best && best.score > (next?.score ?? 0) ? best.id : undefined
}

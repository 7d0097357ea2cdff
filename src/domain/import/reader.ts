// Placing the cells of a page's tables into the template: each row is found by its label (in
// the template's order), and the cells after it are read as that row's columns. Nothing is
// guessed: a row that is not found, or whose cells are not values, leaves its cells null.
import { APPEAL_COLUMNS, TEMPLATES, type CellDef, type TemplateId } from '../templates.js'
import { labelMatches, normalizeLabel, readValue, type ReadValue } from './text.js'

export interface ReadCells {
  values: Map<string, number | null>
  /** gb2019 二 第二十条第（九）项: the unit written with the procurement amount, if any. */
  amountUnit: 'yuan' | 'wan' | null
  notFound: string[]
  notes: string[]
}

/** Other ways reports print a row label. */
const ALIASES: Record<string, string[]> = {
  'proactive.normativeDocuments': ['规范性文件', '行政规范性文件'],
  'requests.outcomes.partiallyGranted': ['(二)部分公开']
}

interface Row {
  key: string
  labels: string[]
  cells: CellDef[]
}

function rowsOf(template: TemplateId, table: 'proactive' | 'requests'): Row[] {
  const byRow = new Map<string, Row>()
  const cells = TEMPLATES[template].cells.filter((c) => c.table === table)
  for (const cell of cells) {
    const key = cell.path.slice(0, -1).join('.')
    const row = byRow.get(key) ?? { key, labels: [normalizeLabel(cell.rowLabels.at(-1)!.zh)], cells: [] }
    row.cells.push(cell)
    byRow.set(key, row)
  }
  for (const row of byRow.values()) row.labels.push(...(ALIASES[row.key] ?? []).map(normalizeLabel))
  return [...byRow.values()]
}

const ROWS: Record<TemplateId, { proactive: Row[]; requests: Row[] }> = {
  gb2019: { proactive: rowsOf('gb2019', 'proactive'), requests: rowsOf('gb2019', 'requests') },
  gb2021: { proactive: rowsOf('gb2021', 'proactive'), requests: rowsOf('gb2021', 'requests') }
}

/** Header words of 四: the data row is what follows the last of them. */
const APPEAL_HEADERS = new Set(
  ['行政复议', '行政诉讼', '未经复议直接起诉', '复议后起诉', ...APPEAL_COLUMNS.map((c) => c.zh)].map(normalizeLabel)
)

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
    const ok =
      cell.type === 'amount' ? value >= 0 : Number.isInteger(value) && (cell.type === 'signedCount' || value >= 0)
    if (ok) return value
    notes.push(`${label} · ${cell.column.zh}: ${value} is not a ${cell.type}; left blank`)
    notFound.push(cell.code)
    return null
  }

  let position = 0
  const placeRows = (rows: readonly Row[]) => {
    for (const row of rows) {
      const at = normalized.findIndex(
        (cell, i) => i >= position && row.labels.some((label) => labelMatches(cell, label))
      )
      if (at < 0) {
        notFound.push(...row.cells.map((c) => c.code))
        continue
      }
      position = place(row.cells, at + 1, cells[at]!)
    }
  }
  placeRows(ROWS[template].proactive)
  placeRows(ROWS[template].requests)

  // 四 has no row labels: its figures are the fifteen cells after its last header.
  const appealCells = TEMPLATES[template].cells.filter((c) => c.table === 'appeals')
  const start = normalized.findIndex((cell, i) => i >= position && cell === normalizeLabel('行政复议'))
  if (start < 0) {
    notFound.push(...appealCells.map((c) => c.code))
  } else {
    let last = start
    for (let i = start; i < normalized.length && i < start + 60; i++) if (APPEAL_HEADERS.has(normalized[i]!)) last = i
    place(appealCells, last + 1, '四、行政复议、行政诉讼')
  }
  return { values, amountUnit, notFound, notes }
}

/** Which template the tables are printed in, from the headers only (never from the year). */
export function detectTemplate(cells: readonly string[]): TemplateId | undefined {
  const marks = {
    gb2019: [
      '本年新制作数量',
      '本年新公开数量',
      '对外公开总数量',
      '上一年项目数量',
      '本年增/减',
      '采购项目数量',
      '采购总金额',
      '其他对外管理服务事项'
    ],
    gb2021: [
      '本年制发件数',
      '本年废止件数',
      '现行有效件数',
      '本年处理决定数量',
      '本年收费金额(单位:万元)',
      '申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'
    ]
  }
  const present = new Set(cells.map(normalizeLabel))
  const score = (id: TemplateId) =>
    marks[id]
      .map(normalizeLabel)
      .filter((mark) => [...present].some((cell) => labelMatches(cell, mark) || cell.startsWith(mark))).length
  const [a, b] = [score('gb2019'), score('gb2021')]
  if (a === b) return undefined
  return a > b ? 'gb2019' : 'gb2021'
}

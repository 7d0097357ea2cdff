// The report's tables 二, 三 and 四 as on the national form of its template, with an input in
// every figure cell: laid out from the same template data as the compiled report
// (domain/render-tables), read with the importer's reading of a figure (domain/cell-value), and
// marked with the rules' violations at the cells they name.
import { readField } from '../domain/cell-value.js'
import { TABLE_CLASSES, tableHeading, tableLayout } from '../domain/render-tables.js'
import { readCell, type CellTree, type CellValue, type Report } from '../domain/report.js'
import type { Violation } from '../domain/rules.js'
import { ENUM_ZH, TABLE_KEYS, tableOf, TEMPLATES, type CellDef, type TemplateId } from '../domain/templates.js'
import { el } from './common.js'

export interface Field {
  cell: CellDef
  input: HTMLInputElement
  td: HTMLTableCellElement
  tip: HTMLElement
  /** Where the input is in the navigation grid: the form's rows of inputs, top to bottom. */
  row: number
  column: number
}

/** A non-numeric field of a row (二's 政府集中采购 amountUnit, gb2019), as a select. */
interface EnumField {
  path: string[]
  select: HTMLSelectElement
}

export type Tables = Pick<Report, 'proactive' | 'requests' | 'appeals'>

/** A JSON Pointer of a rule's finding (`/requests/received/total`) as a cell code. */
export const pointerToCode = (pointer: string) => pointer.slice(1).split('/').join('.')

export class ReportForm {
  readonly fields = new Map<string, Field>()
  readonly grid: Field[][] = []
  private readonly enums: EnumField[] = []

  constructor(
    readonly root: HTMLElement,
    readonly template: TemplateId
  ) {
    const cells = new Map(TEMPLATES[template].cells.map((cell) => [cell.code, cell]))
    const sections = TABLE_KEYS.map((key) => {
      const table = el('table', { class: `${TABLE_CLASSES[key]} form` })
      for (const layoutRow of tableLayout(template, key)) {
        const tr = el('tr')
        const row: Field[] = []
        for (const item of layoutRow) {
          const span = { rowspan: item.rowspan, colspan: item.colspan }
          if (item.code === undefined) {
            tr.append(el(item.header ? 'th' : 'td', span, item.text))
            continue
          }
          const cell = cells.get(item.code)!
          const field = this.field(cell, span)
          field.row = this.grid.length
          field.column = row.length
          row.push(field)
          tr.append(field.td)
        }
        if (row.length > 0) this.grid.push(row)
        table.append(tr)
      }
      return el('section', { class: 'table', id: `table-${key}` }, el('h2', {}, tableHeading(key)), table)
    })
    this.addEnums(template)
    root.replaceChildren(...sections)
  }

  private field(cell: CellDef, span: { rowspan?: number; colspan?: number }): Field {
    const id = `cell-${cell.code.replaceAll('.', '-')}`
    const input = el('input', {
      id,
      name: cell.code,
      type: 'text',
      inputmode: cell.type === 'count' ? 'numeric' : 'decimal',
      autocomplete: 'off',
      'aria-label': cell.zh,
      'aria-describedby': `${id}-tip`
    })
    const tip = el('span', { id: `${id}-tip`, class: 'tip', role: 'tooltip' })
    const td = el('td', { class: 'figure', ...span }, input, tip)
    const field: Field = { cell, input, td, tip, row: 0, column: 0 }
    this.fields.set(cell.code, field)
    return field
  }

  private addEnums(template: TemplateId) {
    for (const row of tableOf(template, 'proactive').rows) {
      for (const [key, values] of Object.entries(row.enumFields ?? {})) {
        const select = el(
          'select',
          { 'aria-label': `${row.zh} · 金额单位`, name: `proactive.${row.key}.${key}` },
          el('option', { value: '' }, '单位未注明'),
          ...values.map((v) => el('option', { value: v }, ENUM_ZH[v] ?? v))
        )
        // Beside the row's amount, which is the figure it qualifies.
        const amount = [...this.fields.values()].find((f) => f.cell.path[1] === row.key && f.cell.type === 'amount')
        amount?.td.append(select)
        this.enums.push({ path: ['proactive', row.key, key], select })
      }
    }
  }

  /** Every input, and the inputs' readings; the invalid ones with the rule they break. */
  read(): { values: Map<string, CellValue>; invalid: Array<{ field: Field; message: string }> } {
    const values = new Map<string, CellValue>()
    const invalid: Array<{ field: Field; message: string }> = []
    for (const [code, field] of this.fields) {
      const reading = readField(field.cell, field.input.value)
      if ('invalid' in reading) invalid.push({ field, message: reading.invalid })
      values.set(code, 'invalid' in reading ? null : reading.value)
    }
    return { values, invalid }
  }

  /** The three tables as the canonical JSON's cell trees (every cell present, blank as null). */
  tables(values: Map<string, CellValue>): Tables {
    const trees: Record<string, CellTree> = { proactive: {}, requests: {}, appeals: {} }
    const put = (path: readonly string[], value: CellValue | string) => {
      let node = trees[path[0]!]!
      for (const key of path.slice(1, -1)) node = (node[key] ??= {}) as CellTree
      node[path.at(-1)!] = value
    }
    for (const [code, value] of values) put(this.fields.get(code)!.cell.path, value)
    for (const { path, select } of this.enums) put(path, select.value === '' ? null : select.value)
    return trees as unknown as Tables
  }

  /** Puts a report's figures into the inputs (blank for null), as text. */
  fill(tables: Tables): void {
    for (const field of this.fields.values()) {
      const value = readCell(tables, field.cell.path)
      field.input.value = value === null || value === undefined ? '' : String(value)
    }
    for (const { path, select } of this.enums) {
      let node: unknown = tables
      for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key]
      select.value = typeof node === 'string' ? node : ''
    }
  }

  /** The inputs' text and the selects' values, for the copy kept in sessionStorage. */
  texts(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [code, field] of this.fields) if (field.input.value !== '') out[code] = field.input.value
    for (const { path, select } of this.enums) if (select.value !== '') out[path.join('.')] = select.value
    return out
  }

  restoreTexts(texts: Record<string, string>): void {
    for (const [code, field] of this.fields) field.input.value = texts[code] ?? ''
    for (const { path, select } of this.enums) select.value = texts[path.join('.')] ?? ''
  }

  setReadOnly(readOnly: boolean): void {
    for (const field of this.fields.values()) field.input.readOnly = readOnly
    for (const { select } of this.enums) select.disabled = readOnly
  }

  /**
   * Marks every cell that a shown violation names (class error or warning, aria-invalid for an
   * error) with the violations' messages in its tip, and each unreadable input with its rule.
   */
  mark(violations: readonly Violation[], invalid: ReadonlyArray<{ field: Field; message: string }>): void {
    const notes = new Map<Field, { severity: 'error' | 'warning'; messages: string[] }>()
    const note = (field: Field, severity: 'error' | 'warning', message: string) => {
      const entry = notes.get(field) ?? { severity, messages: [] }
      if (severity === 'error') entry.severity = 'error'
      if (!entry.messages.includes(message)) entry.messages.push(message)
      notes.set(field, entry)
    }
    for (const violation of violations)
      for (const pointer of violation.cells) {
        const field = this.fields.get(pointerToCode(pointer))
        if (field) note(field, violation.severity, violation.message.zh)
      }
    for (const { field, message } of invalid) note(field, 'error', `「${field.input.value}」：${message}`)
    for (const field of this.fields.values()) {
      const entry = notes.get(field)
      field.td.classList.toggle('error', entry?.severity === 'error')
      field.td.classList.toggle('warning', entry?.severity === 'warning')
      if (entry?.severity === 'error') field.input.setAttribute('aria-invalid', 'true')
      else field.input.removeAttribute('aria-invalid')
      field.tip.textContent = entry ? entry.messages.join('\n') : ''
      if (entry) field.td.title = entry.messages.join('\n')
      else field.td.removeAttribute('title')
    }
  }

  /** The field a violation's first cell names (for jumping to it from the summary). */
  fieldOf(violation: Pick<Violation, 'cells'>): Field | undefined {
    for (const pointer of violation.cells) {
      const field = this.fields.get(pointerToCode(pointer))
      if (field) return field
    }
    return undefined
  }

  /** The input a key press moves to from `field`, spreadsheet-like, or undefined at an edge. */
  neighbour(field: Field, key: 'up' | 'down' | 'left' | 'right'): Field | undefined {
    const { row, column } = field
    const at = (r: number, c: number) => {
      const cells = this.grid[r]
      return cells ? cells[Math.min(c, cells.length - 1)] : undefined
    }
    if (key === 'up') return at(row - 1, column)
    if (key === 'down') return at(row + 1, column)
    const cells = this.grid[row]!
    if (key === 'left') return cells[column - 1] ?? this.grid[row - 1]?.at(-1)
    return cells[column + 1] ?? this.grid[row + 1]?.[0]
  }

  /** The field at an offset from `from` in the grid (a pasted block's cell), if there is one. */
  offset(from: Field, rows: number, columns: number): Field | undefined {
    return this.grid[from.row + rows]?.[from.column + columns]
  }
}

// The layout of the reports workbook (GET /v1/exports/reports.xlsx): one sheet per table (二, 三,
// 四) and template, one row per report, one column per cell under the form's Chinese headings,
// and a sheet describing every column. Pure: the service writes it with exceljs.
import { STATUS_ZH, valueAt, type ReportStatus } from './report.js'
import { tableHeading } from './render-tables.js'
import {
  ENUM_ZH,
  TABLE_KEYS,
  tableOf,
  TEMPLATES,
  type CellDef,
  type RowDef,
  type TableKey,
  type TemplateId
} from './templates.js'

/** What the workbook knows of a report: its identity, its cells and (for enum fields) its body. */
export interface WorkbookReport {
  unit: string
  unitName: string
  districtName: string
  year: number
  status: ReportStatus
  onTime: boolean | null
  cells: Readonly<Record<string, number | null>>
  body?: unknown
}

export type ColumnKind = 'identity' | 'cell' | 'enum'

export interface SheetColumn {
  kind: ColumnKind
  /** The identity field, the cell code, or the enum field's path joined with dots. */
  code: string
  /** The headings over the column from the top; the last spans down to the last header row. */
  header: string[]
  /** What the column's cells mean, for the description sheet. */
  label: string
  width: number
  /** Cells summed in the 汇总 row; false says why not (or that the column is not a figure). */
  summed: true | string
  value(report: WorkbookReport): string | number | null
}

export interface SheetPlan {
  name: string
  template: TemplateId
  table: TableKey
  columns: SheetColumn[]
  /** Header rows: as many as the headings nest (二 and 四 two, 三 three). */
  headerRows: number
  /** Whether the sheet's reports must be read with their bodies (enum fields). */
  needsBody: boolean
}

const identity = (code: string, zh: string, width: number, value: SheetColumn['value']): SheetColumn => ({
  kind: 'identity',
  code,
  header: [zh],
  label: zh,
  width,
  summed: 'not a figure',
  value
})

/** Columns kept in view when scrolling right: the unit's code and name, the first two. */
export const FROZEN_COLUMNS = 2

/** The report's columns before its cells: the unit, its district, the year, status and timeliness. */
const IDENTITY: readonly SheetColumn[] = [
  identity('unit', '单位代码', 12, (r) => r.unit),
  identity('unitName', '单位名称', 16, (r) => r.unitName),
  identity('districtName', '所属区县', 12, (r) => r.districtName),
  identity('year', '年度', 6, (r) => r.year),
  identity('status', '状态', 16, (r) => STATUS_ZH[r.status]),
  identity('onTime', '是否按时', 8, (r) => (r.onTime === null ? null : r.onTime ? '是' : '否'))
]

function cellColumn(cell: CellDef): SheetColumn {
  return {
    kind: 'cell',
    code: cell.code,
    header: [
      cell.rowLabels.map((l) => l.zh).join(' '),
      ...(cell.column.group ? [cell.column.group.zh] : []),
      cell.column.zh
    ],
    label: cell.zh,
    width: 10,
    summed: cell.additive || (cell.notAdditive ?? 'not additive'),
    value: (r) => r.cells[cell.code] ?? null
  }
}

const findRow = (rows: readonly RowDef[], key: string) => rows.find((r) => r.key === key)

/** A row's enum field (gb2019's 政府集中采购 amountUnit), printed beside the row's cells. */
function enumColumn(table: TableKey, row: RowDef, field: string): SheetColumn {
  const path = [table, row.key, field]
  return {
    kind: 'enum',
    code: path.join('.'),
    header: [row.zh, '金额单位'],
    label: `${row.zh} · 金额单位（${Object.values(ENUM_ZH).join('或')}）`,
    width: 8,
    summed: 'not a figure',
    value: (r) => {
      const value = valueAt(r.body, path)
      return typeof value === 'string' ? (ENUM_ZH[value] ?? value) : null
    }
  }
}

/** A sheet's name: the table's heading, with the template's when both templates have sheets. */
const sheetName = (template: TemplateId, table: TableKey, both: boolean) =>
  both ? `${tableHeading(table)}（${TEMPLATES[template].shortZh}）` : tableHeading(table)

/** The sheets of a workbook holding reports on `templates` (in the order of TEMPLATE_IDS). */
export function sheetPlans(templates: readonly TemplateId[]): SheetPlan[] {
  return templates.flatMap((template) =>
    TABLE_KEYS.map((table) => {
      const columns: SheetColumn[] = [...IDENTITY]
      for (const cell of TEMPLATES[template].cells.filter((c) => c.table === table)) {
        columns.push(cellColumn(cell))
        // An enum field follows the last cell of its row.
        const row = findRow(tableOf(template, table).rows, cell.path[1]!)
        if (row?.enumFields && cell.path.length === 3 && row.columns?.at(-1)?.key === cell.path[2])
          for (const field of Object.keys(row.enumFields)) columns.push(enumColumn(table, row, field))
      }
      return {
        name: sheetName(template, table, templates.length > 1),
        template,
        table,
        columns,
        headerRows: Math.max(...columns.map((c) => c.header.length)),
        needsBody: columns.some((c) => c.kind === 'enum')
      }
    })
  )
}

/** A merged heading: its text and the rows and columns it covers (1-based, as spreadsheets count). */
export interface HeaderCell {
  text: string
  top: number
  left: number
  bottom: number
  right: number
}

/**
 * The header cells over columns whose headings nest: at each level, a heading shared by
 * neighbouring columns with the same headings above is merged across them, and a column's last
 * heading spans down to the last header row (自然人 under no group, beside 法人或其他组织 over five).
 */
export function headerCells(columns: ReadonlyArray<Pick<SheetColumn, 'header'>>, rows: number): HeaderCell[] {
  const out: HeaderCell[] = []
  const paths = columns.map((c) => c.header)
  const sameThrough = (a: string[], b: string[], level: number) =>
    a.slice(0, level + 1).join('\u0000') === b.slice(0, level + 1).join('\u0000')
  for (let level = 0; level < rows; level++) {
    for (let col = 0; col < paths.length;) {
      const path = paths[col]!
      if (level >= path.length) {
        col++
        continue
      }
      const last = level === path.length - 1
      let end = col + 1
      // Only a heading with more below it (a group) is shared: two leaves are two columns.
      if (!last)
        while (end < paths.length && paths[end]!.length > level + 1 && sameThrough(paths[end]!, path, level)) end++
      out.push({ text: path[level]!, top: level + 1, left: col + 1, bottom: last ? rows : level + 1, right: end })
      col = end
    }
  }
  return out
}

/** The description sheet's rows: every column of every sheet. */
export function columnDescriptions(plans: readonly SheetPlan[]): string[][] {
  const rows = [['工作表', '列', '代码', '含义', '报告格式', '汇总行']]
  for (const plan of plans) {
    plan.columns.forEach((column, i) => {
      rows.push([
        plan.name,
        columnLetter(i + 1),
        column.code,
        column.label,
        column.kind === 'identity' ? '' : `${TEMPLATES[plan.template].shortZh}（${plan.template}）`,
        column.summed === true ? '求和（SUM）' : column.kind === 'cell' ? `不求和（${column.summed}）` : ''
      ])
    })
  }
  return rows
}

/** A spreadsheet column's letters: 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}

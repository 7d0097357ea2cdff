// The district's compiled report as a Word document (.docx), for the office to put into its own
// annual report: the same title, tables (merged header cells, labels, 勾稽 note) and coverage
// line as the HTML print (compiled-report.ts), on A4 portrait with the margins of GB/T 9704,
// in the fonts a Chinese government office expects, each named with the font Word and WPS
// should use where it is not installed.
import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IRunOptions
} from 'docx'
import { coverageLine, compiledTitle, printedTables, type CompiledInput, type PrintedTable } from './compiled-report.js'
import { tableHeading, type LayoutCell, type LayoutRow } from './render-tables.js'

/**
 * The fonts, as the 党政机关公文格式 names them, with the font to use where one is missing
 * (w:altName) and the GB2312 character set (w:charset 86), which lets Word and WPS substitute a
 * Chinese font of the same family; LibreOffice falls back through fontconfig (Noto CJK).
 */
const FONTS = {
  title: { name: '方正小标宋简体', altName: '宋体', family: 'roman' },
  heading: { name: '黑体', altName: 'SimHei', family: 'modern' },
  text: { name: '仿宋_GB2312', altName: '仿宋', family: 'modern' },
  table: { name: '宋体', altName: 'SimSun', family: 'roman' }
} as const
const LATIN = 'Times New Roman'

const font = (role: keyof typeof FONTS): IRunOptions['font'] => ({
  ascii: LATIN,
  hAnsi: LATIN,
  cs: LATIN,
  eastAsia: FONTS[role].name
})

/** Sizes in half-points, by their Chinese names: 小二 18 pt, 四号 14 pt, 小四 12 pt, 小五 9 pt. */
const SIZE = { title: 36, heading: 28, text: 24, table: 18 } as const

/** A4 in twentieths of a point, with GB/T 9704's margins (37, 35, 28 and 26 mm). */
const mm = (value: number) => Math.round((value * 1440) / 25.4)
const PAGE = { width: 11906, height: 16838, top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) }
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right

/** The columns of a layout's grid: the span of its first row. */
const gridWidth = (rows: readonly LayoutRow[]) => rows[0]!.reduce((n, cell) => n + (cell.colspan ?? 1), 0)

/**
 * Widths of a table's grid columns, in twips: 二's label column a third of the width; 三's label
 * columns narrow but for the innermost (its first row's first cell spans them); 四 evenly.
 */
function columnWidths(table: PrintedTable): number[] {
  const columns = gridWidth(table.rows)
  const even = (total: number, count: number) => {
    const each = Math.floor(total / count)
    return Array.from({ length: count }, (_, i) => (i === count - 1 ? total - each * (count - 1) : each))
  }
  if (table.key === 'proactive') {
    const label = Math.round(TEXT_WIDTH / 3)
    return [label, ...even(TEXT_WIDTH - label, columns - 1)]
  }
  if (table.key === 'requests') {
    const labels = table.rows[0]![0]!.colspan ?? 1
    const narrow = Array.from({ length: labels - 1 }, () => mm(12))
    const label = mm(40)
    return [...narrow, label, ...even(TEXT_WIDTH - label - narrow.reduce((a, b) => a + b, 0), columns - labels)]
  }
  return even(TEXT_WIDTH, columns)
}

function cell(layout: LayoutCell, table: PrintedTable): TableCell {
  const figure = layout.code !== undefined
  const text = figure ? table.text(layout.code!) : layout.text
  // Labels read from the left, as on the form; headings and figures are centred.
  const left = !figure && !layout.header
  return new TableCell({
    ...(layout.rowspan ? { rowSpan: layout.rowspan } : {}),
    ...(layout.colspan ? { columnSpan: layout.colspan } : {}),
    verticalAlign: VerticalAlignTable.CENTER,
    margins: { left: 57, right: 57, top: 17, bottom: 17 },
    children: [
      new Paragraph({
        alignment: left ? AlignmentType.LEFT : AlignmentType.CENTER,
        children: [new TextRun({ text, font: font('table'), size: SIZE.table, bold: layout.header === true })]
      })
    ]
  })
}

/** How many of a table's first rows are its column headings (repeated on each page it runs onto). */
const headerRows = (table: PrintedTable) =>
  table.key === 'proactive' ? 0 : table.rows.findIndex((row) => !row.every((c) => c.header))

function wordTable(table: PrintedTable): Table {
  const header = headerRows(table)
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: columnWidths(table),
    rows: table.rows.map(
      (row, i) => new TableRow({ cantSplit: true, tableHeader: i < header, children: row.map((c) => cell(c, table)) })
    )
  })
}

/** A paragraph in one font; each line of `text` after the first begins on a line of its own. */
const paragraph = (text: string, role: keyof typeof FONTS, options: { center?: boolean; bold?: boolean } = {}) =>
  new Paragraph({
    ...(options.center ? { alignment: AlignmentType.CENTER } : {}),
    spacing: { before: 120, after: 120 },
    children: text.split('\n').map(
      (line, i) =>
        new TextRun({
          text: line,
          font: font(role),
          size: SIZE[role],
          bold: options.bold ?? false,
          break: i > 0 ? 1 : 0
        })
    )
  })

/** The font table Word reads to substitute a missing font: every font the document names. */
function fontTable(): string {
  const entries = Object.values(FONTS).map(
    (f) =>
      `<w:font w:name="${f.name}"><w:altName w:val="${f.altName}"/><w:charset w:val="86"/>` +
      `<w:family w:val="${f.family}"/><w:pitch w:val="variable"/></w:font>`
  )
  const latin =
    `<w:font w:name="${LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/>` +
    '<w:pitch w:val="variable"/></w:font>'
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    entries.join('') +
    latin +
    '</w:fonts>'
  )
}

/** The compiled report as the bytes of a .docx file. */
export async function compiledDocx(input: CompiledInput): Promise<Buffer> {
  const title = compiledTitle(input)
  // Printed as the HTML prints it on A4: （汇总） on a line of its own.
  const body: Array<Paragraph | Table> = [paragraph(title.replace('（汇总）', '\n（汇总）'), 'title', { center: true })]
  printedTables(input).forEach((table, i, all) => {
    if (all[i - 1]?.key !== table.key) body.push(paragraph(tableHeading(table.key), 'heading'))
    if (table.caption) body.push(paragraph(table.caption, 'table', { bold: true }))
    body.push(wordTable(table))
  })
  body.push(paragraph(coverageLine(input), 'text'))
  const document = new Document({
    title,
    creator: 'ogi-reports',
    description: `${input.scope.name}（${input.scope.code}）${input.year}年度各乡镇（街道）报告汇总`,
    styles: {
      default: {
        document: { run: { font: font('text'), size: SIZE.text, language: { value: 'zh-CN', eastAsia: 'zh-CN' } } }
      }
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right }
          }
        },
        children: body
      }
    ]
  })
  // docx writes an empty font table; this one names each font and its substitute.
  return Packer.toBuffer(document, false, [{ path: 'word/fontTable.xml', data: fontTable() }])
}

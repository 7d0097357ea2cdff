// reports.xlsx: the reports as an Excel workbook (layout: domain/workbook.ts), written with
// exceljs's streaming writer a row at a time, one sheet after another (the zip holds one entry
// open at a time: a sheet written beside another would wait in memory), so that a whole
// national year streams in the memory of one page of reports.
import { once, type EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import type { Cell, Worksheet } from 'exceljs'
import type { ExportsRepository } from '../db/repositories/export-pages.js'
import { templateOfYear, TEMPLATE_IDS } from '../domain/templates.js'
import {
  columnDescriptions,
  columnLetter,
  FROZEN_COLUMNS,
  headerCells,
  sheetPlans,
  type SheetPlan,
  type WorkbookReport
} from '../domain/workbook.js'
import { exportFilter, pages, type Filter, type Row } from './export-chunks.js'

const HEADING = {
  font: { bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  border: { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } }
} as const satisfies Partial<Cell>

const report = (row: Row): WorkbookReport => ({
  unit: row.head.unitCode,
  unitName: row.unitName,
  districtName: row.districtName,
  year: row.head.year,
  status: row.head.status,
  onTime: row.head.timeliness === 'none' ? null : row.head.timeliness === 'on_time',
  cells: row.cells,
  body: row.body
})

/** What exceljs (4.4) does not type: the stream of a sheet's XML, and what it is piped into. */
interface SheetInternals {
  stream?: { pipes?: Array<EventEmitter & { _writableState?: { needDrain: boolean } }> }
}

/** Sums as printed: decimals to at most six places (a float's sum carries noise below that). */
const rounded = (sum: number) => Math.round(sum * 1e6) / 1e6

/** A sheet's header rows, with its merged headings. */
function writeHeader(sheet: Worksheet, plan: SheetPlan) {
  const cells = headerCells(plan.columns, plan.headerRows)
  for (const heading of cells) {
    const cell = sheet.getRow(heading.top).getCell(heading.left)
    cell.value = heading.text
    Object.assign(cell, HEADING)
  }
  for (const { top, left, bottom, right } of cells)
    if (bottom > top || right > left) sheet.mergeCells(top, left, bottom, right)
  for (let row = 1; row <= plan.headerRows; row++) sheet.getRow(row).commit()
}

/** A table's sheet: the header, a row per report, and the 汇总 row of SUM formulas over them. */
async function writeSheet(
  sheet: Worksheet,
  plan: SheetPlan,
  rows: AsyncIterable<Row[]>,
  paced: (sheet: Worksheet) => Promise<void>
): Promise<void> {
  writeHeader(sheet, plan)
  const sums = plan.columns.map(() => 0)
  let count = 0
  for await (const page of rows) {
    for (const row of page) {
      const values = plan.columns.map((column) => column.value(report(row)))
      values.forEach((value, i) => {
        if (typeof value === 'number') sums[i]! += value
      })
      sheet.addRow(values).commit()
      count++
    }
    await paced(sheet)
  }
  const first = plan.headerRows + 1
  const last = plan.headerRows + count
  // Formulas Excel recomputes when a row is edited, each with the sum it has now; none over no rows.
  const total = sheet.addRow(
    plan.columns.map((column, i) =>
      i === 0
        ? '汇总'
        : column.summed === true && count > 0
          ? {
              formula: `SUM(${columnLetter(i + 1)}${first}:${columnLetter(i + 1)}${last})`,
              result: rounded(sums[i]!)
            }
          : null
    )
  )
  total.font = { bold: true }
  total.commit()
  sheet.commit()
}

/** The workbook's bytes, chunk by chunk, never more than a page of reports ahead of the reader. */
export async function* xlsxChunks(exports: ExportsRepository, query: Filter): AsyncGenerator<Buffer> {
  // 0.14 s to load (the writer alone, src/types/exceljs-writer.d.ts): not at the server's start.
  const { default: WorkbookWriter } = await import('exceljs/lib/stream/xlsx/workbook-writer.js')
  const out = new PassThrough()
  const stop = new AbortController()
  // Shared strings would keep every string of the workbook in memory until its end.
  const workbook = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  workbook.creator = 'ogi-reports'
  /**
   * Waits while the zip has not taken what the sheet wrote: exceljs writes a sheet's XML into a
   * stream that it never asks to wait, so without this a fast database and a slow deflate (or a
   * slow reader, whose pace the zip keeps) would pile the whole sheet up in memory.
   */
  const paced = async (sheet: Worksheet) => {
    const sink = (sheet as unknown as SheetInternals).stream?.pipes?.[0]
    if (sink?._writableState?.needDrain) await once(sink, 'drain', { signal: stop.signal })
    else if (out.writableNeedDrain) await once(out, 'drain', { signal: stop.signal })
    stop.signal.throwIfAborted()
  }
  const filter = exportFilter(query)
  const used = exports.templates(filter)
  const plans = sheetPlans(
    used.length > 0 ? used : [query.year === undefined ? TEMPLATE_IDS.at(-1)! : templateOfYear(query.year)]
  )
  const write = async () => {
    for (const plan of plans) {
      const sheet = workbook.addWorksheet(plan.name, {
        views: [{ state: 'frozen', xSplit: FROZEN_COLUMNS, ySplit: plan.headerRows }]
      })
      sheet.columns = plan.columns.map((column) => ({ width: column.width }))
      const cells = plan.columns.filter((column) => column.kind === 'cell').map((column) => column.code)
      const rows = pages(exports, { ...filter, template: plan.template, cells }, plan.needsBody)
      await writeSheet(sheet, plan, rows, paced)
    }
    const about = workbook.addWorksheet('列说明', { views: [{ state: 'frozen', ySplit: 1 }] })
    about.columns = [16, 6, 40, 60, 18, 40].map((width) => ({ width }))
    for (const [i, values] of columnDescriptions(plans).entries()) {
      const row = about.addRow(values)
      if (i === 0) row.font = { bold: true }
      row.commit()
    }
    about.commit()
    await workbook.commit()
  }
  const writing = write().catch((error: unknown) => {
    if (!stop.signal.aborted) out.destroy(error as Error)
  })
  try {
    for await (const chunk of out) yield chunk as Buffer
  } finally {
    stop.abort()
    out.destroy()
    await writing
  }
}

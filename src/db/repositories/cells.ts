// The current-cells projection: one row per report, one column per cell code. Raw prepared
// statements, made once: a row has two hundred and twenty-eight columns, and building such a
// query per write costs more than the write itself.
import type Database from 'better-sqlite3'
import { readCell, type Report } from '../../domain/report.js'
import { ALL_CELLS } from '../../domain/templates.js'

export type CellRow = Record<string, number | null>

const CODES = ALL_CELLS.map((c) => c.code)
const COLUMNS = CODES.map((code) => `"${code}"`)

export function createCells(sqlite: Database.Database) {
  const upsert = sqlite.prepare(
    `INSERT INTO current_cells (report_id, revision, ${COLUMNS.join(', ')})
     VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (report_id) DO UPDATE SET revision = excluded.revision,
       ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`
  )
  const select = sqlite.prepare(`SELECT ${COLUMNS.join(', ')} FROM current_cells WHERE report_id = ?`).raw()

  return {
    /** Makes the report's cells the current ones of `reportId`; returns them by code. */
    write(reportId: number, revision: number, report: Report): CellRow {
      const cells: CellRow = {}
      const values = ALL_CELLS.map((cell) => (cells[cell.code] = readCell(report, cell.path) ?? null))
      upsert.run(reportId, revision, ...values)
      return cells
    },

    read(reportId: number): CellRow | undefined {
      const row = select.get(reportId) as (number | null)[] | undefined
      if (!row) return undefined
      const cells: CellRow = {}
      for (let i = 0; i < CODES.length; i++) cells[CODES[i]!] = row[i]!
      return cells
    }
  }
}

export type Cells = ReturnType<typeof createCells>

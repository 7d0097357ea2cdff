// The current-cells projection: one row per report, one column per cell code. Raw prepared
// statements, made once: a row has two hundred and twenty-eight columns, and building such a
// query per write costs more than the write itself.
import type Database from 'better-sqlite3'
import { readCell, type Report } from '../../domain/report.js'
import { ALL_CELLS } from '../../domain/templates.js'

/**
 * A report's cells as one array in ALL_CELLS order, as the row stores them: a write binds it as
 * is and the rollups subtract two of them index by index (an object of two hundred keys costs
 * more to build and to walk than the statements that use it).
 */
export type CellRow = Array<number | null>

const COLUMNS = ALL_CELLS.map((c) => `"${c.code}"`)

/** The cells of a report as a row holds them. */
export function cellRowOf(report: Report): CellRow {
  return ALL_CELLS.map((cell) => readCell(report, cell.path) ?? null)
}

export function createCells(sqlite: Database.Database) {
  const upsert = sqlite.prepare(
    `INSERT INTO current_cells (report_id, revision, ${COLUMNS.join(', ')})
     VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (report_id) DO UPDATE SET revision = excluded.revision,
       ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`
  )
  const select = sqlite.prepare(`SELECT ${COLUMNS.join(', ')} FROM current_cells WHERE report_id = ?`).raw()

  return {
    /** Makes the report's cells the current ones of `reportId`; returns them. */
    write(reportId: number, revision: number, report: Report): CellRow {
      const row = cellRowOf(report)
      upsert.run(reportId, revision, ...row)
      return row
    },

    read(reportId: number): CellRow | undefined {
      return select.get(reportId) as CellRow | undefined
    }
  }
}

export type Cells = ReturnType<typeof createCells>

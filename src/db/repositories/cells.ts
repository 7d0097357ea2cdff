// The current-cells projection: one row per report, one column per cell code. Raw prepared
// statements, made once: a row has two hundred and twenty-eight columns, and building such a
// query per write costs more than the write itself.
import type Database from 'better-sqlite3'
import { cellRowOf, type CellRow, type Report } from '../../domain/report.js'
import { ALL_CELLS } from '../../domain/templates.js'
import { keep } from './kept.js'

const COLUMNS = ALL_CELLS.map((c) => `"${c.code}"`)

/** Rows kept by content hash at most, the oldest dropped first. */
const KEPT = 1024

export function createCells(sqlite: Database.Database) {
  const upsert = sqlite.prepare(
    `INSERT INTO current_cells (report_id, revision, ${COLUMNS.join(', ')})
     VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (report_id) DO UPDATE SET revision = excluded.revision,
       ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`
  )
  const select = sqlite.prepare(`SELECT ${COLUMNS.join(', ')} FROM current_cells WHERE report_id = ?`).raw()
  // A report's cells follow from its content alone: what is kept under a content hash never
  // goes stale, whoever wrote the row since.
  const byContent = new Map<string, CellRow>()

  return {
    /** Makes the report's cells the current ones of `reportId`; returns them. */
    write(reportId: number, revision: number, report: Report, contentHash?: string): CellRow {
      const row = cellRowOf(report)
      upsert.run(reportId, revision, ...row)
      if (contentHash !== undefined) keep(byContent, KEPT, contentHash, row)
      return row
    },

    /** The current cells of `reportId`, whose current revision has `contentHash` when it is given. */
    read(reportId: number, contentHash?: string): CellRow | undefined {
      const known = contentHash === undefined ? undefined : byContent.get(contentHash)
      return known ?? (select.get(reportId) as CellRow | undefined)
    }
  }
}

export type Cells = ReturnType<typeof createCells>

// The current-cells projection: one row per report, one column per cell code. Raw prepared
// statements, made once: a row has two hundred and twenty-eight columns, and building such a
// query per write costs more than the write itself.
import type Database from 'better-sqlite3'
import type { Report } from '../../domain/report.js'
import { ALL_CELLS } from '../../domain/templates.js'

/**
 * A report's cells as one array in ALL_CELLS order, as the row stores them: a write binds it as
 * is and the rollups subtract two of them index by index (an object of two hundred keys costs
 * more to build and to walk than the statements that use it).
 */
export type CellRow = Array<number | null>

const COLUMNS = ALL_CELLS.map((c) => `"${c.code}"`)

/**
 * The cells grouped by the object that holds them (some forty for two hundred cells), each
 * with its index in a CellRow: a report's objects are walked to once each, not once per cell.
 */
const GROUPS = (() => {
  const byParent = new Map<string, { parent: readonly string[]; leaves: Array<[number, string]> }>()
  ALL_CELLS.forEach((cell, index) => {
    const parent = cell.path.slice(0, -1)
    const key = parent.join('.')
    let group = byParent.get(key)
    if (!group) byParent.set(key, (group = { parent, leaves: [] }))
    group.leaves.push([index, cell.path.at(-1)!])
  })
  return [...byParent.values()]
})()

/** The cells of a report as a row holds them: what readCell finds at each cell's path, null for nothing. */
export function cellRowOf(report: Report): CellRow {
  const row: CellRow = new Array<number | null>(ALL_CELLS.length).fill(null)
  for (const { parent, leaves } of GROUPS) {
    let node: unknown = report
    for (let i = 0; i < parent.length && typeof node === 'object' && node !== null; i++)
      node = (node as Record<string, unknown>)[parent[i]!]
    if (typeof node !== 'object' || node === null) continue
    for (const [index, key] of leaves) {
      const value = (node as Record<string, unknown>)[key]
      if (typeof value === 'number') row[index] = value
    }
  }
  return row
}

/** Rows kept by content hash at most; then it starts over. */
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
      if (contentHash !== undefined) {
        if (byContent.size >= KEPT) byContent.clear()
        byContent.set(contentHash, row)
      }
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

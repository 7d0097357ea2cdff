// Rollups: per-division sums of current cells, adjusted inside every write transaction and read
// by aggregates. Raw prepared statements: one row has two hundred cell columns and a write
// touches five rows, so the SQL is generated once from the template definitions.
import type Database from 'better-sqlite3'
import { ancestorCodes, CODE_LENGTHS, DIVISION_LEVELS, NATIONAL } from '../../domain/divisions.js'
import type { Sums } from '../../domain/aggregate.js'
import type { Timeliness } from '../../domain/deadlines.js'
import type { ReportStatus } from '../../domain/report.js'
import { ALL_CELLS, TEMPLATE_IDS, TEMPLATES, type TemplateId } from '../../domain/templates.js'
import type { CellRow } from '../../domain/report.js'
import { changeCounters } from './changes.js'

export type { Timeliness } from '../../domain/deadlines.js'

/** What one report adds to the rollups of every division above it. */
export interface Contribution {
  unit: string
  year: number
  template: TemplateId
  status: ReportStatus
  timeliness: Timeliness
  cells: CellRow
}

/** A rollup row: the sums of one template, status and timeliness for a division and year. */
export interface RollupRow extends Sums {
  divisionCode: string
  year: number
}

const CODES = ALL_CELLS.map((c) => c.code)
const quoted = (code: string) => `"${code}"`
const KEYS = ['division_code', 'year', 'template', 'status', 'timeliness']

/** Where each template's cells are in a CellRow. */
const TEMPLATE_INDEXES = Object.fromEntries(
  TEMPLATE_IDS.map((id) => [id, TEMPLATES[id].cells.map((cell) => CODES.indexOf(cell.code))])
) as Record<TemplateId, number[]>

/** The null cells of the report's own template (cells of the other template do not count). */
function incompleteOf(template: TemplateId, cells: CellRow): number {
  let n = 0
  for (const i of TEMPLATE_INDEXES[template]) if (cells[i] == null) n++
  return n
}

/** `sign` × each cell, or `sign` × (each cell − the same cell of `minus`); a null counts as 0. */
function scaled(sign: 1 | -1, cells: CellRow, minus?: CellRow): number[] {
  const values = new Array<number>(CODES.length)
  for (let i = 0; i < CODES.length; i++) values[i] = sign * ((cells[i] ?? 0) - (minus?.[i] ?? 0))
  return values
}

/** A township's rollup rows: the country, its province, city, district and itself. */
const LEVELS = 1 + DIVISION_LEVELS.length
const LEVEL_LIST = `(${Array.from({ length: LEVELS }, () => '?').join(', ')})`

/** A write's rows are found by their keys (the division codes last). */
class MissingRows extends Error {}

export function createRollups(sqlite: Database.Database) {
  // Every level in one statement: the two hundred and thirty values are bound once, not five times.
  const upsert = sqlite.prepare(
    `INSERT INTO rollups (${KEYS.join(', ')}, report_count, incomplete_cells, ${CODES.map(quoted).join(', ')})
     SELECT level.column1, ${['year', 'template', 'status', 'timeliness', 'report_count', 'incomplete_cells', ...CODES]
       .map(() => '?')
       .join(', ')}
     FROM (VALUES ${Array.from({ length: LEVELS }, () => '(?)').join(', ')}) AS level WHERE true
     ON CONFLICT (${KEYS.join(', ')}) DO UPDATE SET
       report_count = report_count + excluded.report_count,
       incomplete_cells = incomplete_cells + excluded.incomplete_cells,
       ${CODES.map((c) => `${quoted(c)} = ${quoted(c)} + excluded.${quoted(c)}`).join(',\n       ')}`
  )
  const ROW_KEYS = 'year = ? AND template = ? AND status = ? AND timeliness = ? AND division_code IN'
  // A new revision in the same rows (the usual PUT) only shifts sums that are there already.
  const shift = sqlite.prepare(
    `UPDATE rollups SET incomplete_cells = incomplete_cells + ?,
       ${CODES.map((c) => `${quoted(c)} = ${quoted(c)} + ?`).join(', ')}
     WHERE ${ROW_KEYS} ${LEVEL_LIST}`
  )
  const shiftExisting = sqlite.transaction((values: unknown[]) => {
    if (shift.run(...values).changes !== LEVELS) throw new MissingRows() // rolls the savepoint back
  })
  // A row whose last report left holds zeros (or float residue from amounts): drop it.
  const prune = sqlite.prepare(`DELETE FROM rollups WHERE ${ROW_KEYS} ${LEVEL_LIST} AND report_count = 0`)

  // Rows are read as arrays (raw mode): building objects of two hundred keys costs more than the query.
  const SELECTED = [...KEYS, 'report_count', 'incomplete_cells', ...CODES.map(quoted)].join(', ')
  const columns = (row: unknown[]): RollupRow => {
    const cells: Record<string, number> = {}
    for (let i = 0; i < CODES.length; i++) cells[CODES[i]!] = row[i + 7] as number
    return {
      divisionCode: row[0] as string,
      year: row[1] as number,
      template: row[2] as TemplateId,
      status: row[3] as ReportStatus,
      timeliness: row[4] as Timeliness,
      reportCount: row[5] as number,
      incompleteCells: row[6] as number,
      cells
    }
  }
  const forDivisions = new Map<number, Database.Statement>()
  const changes = changeCounters(sqlite)
  let othersVersion: number | undefined

  const rowKeys = ({ year, template, status, timeliness }: Contribution) => [year, template, status, timeliness]

  /** Adds `count` reports and the given cell values to the rows of every level above the unit. */
  function add(key: Contribution, count: number, incomplete: number, values: number[]): void {
    const levels = ancestorCodes(key.unit)
    upsert.run(...rowKeys(key), count, incomplete, ...values, ...levels)
    if (count < 0) prune.run(...rowKeys(key), ...levels)
  }

  const sameRow = (a: Contribution, b: Contribution) =>
    a.unit === b.unit &&
    a.year === b.year &&
    a.template === b.template &&
    a.status === b.status &&
    a.timeliness === b.timeliness

  return {
    /** Adds (sign 1) or removes (sign −1) a report's contribution at every level above it. */
    apply(contribution: Contribution, sign: 1 | -1): void {
      const { template, cells } = contribution
      add(contribution, sign, sign * incompleteOf(template, cells), scaled(sign, cells))
    },

    /**
     * Replaces a report's contribution: when it stays in the same rows (a new revision of the
     * same template, status and timeliness, the usual case) the difference is added once.
     */
    replace(before: Contribution | undefined, after: Contribution): void {
      if (!before || !sameRow(before, after)) {
        if (before) this.apply(before, -1)
        this.apply(after, 1)
        return
      }
      const incomplete = incompleteOf(after.template, after.cells) - incompleteOf(before.template, before.cells)
      const differences = scaled(1, after.cells, before.cells)
      try {
        shiftExisting([incomplete, ...differences, ...rowKeys(after), ...ancestorCodes(after.unit)])
      } catch (error) {
        // Rows the report was counted in are missing (rollups out of step with the cells, which
        // a rebuild mends): added where they are not.
        if (!(error instanceof MissingRows)) throw error
        add(after, 0, incomplete, differences)
      }
    },

    /**
     * Changes whenever a connection has committed a write: a cache key. This connection's own
     * writes count at once (total_changes, a tenth of a microsecond). Other processes' commits
     * (the CLIs, a second server) are read from PRAGMA data_version, which costs about 4 µs, a
     * tenth of a cached answer: it is read once per turn of the event loop, so a commit made
     * elsewhere shows from the next turn on, the requests already being handled in the same
     * turn answered as of its start.
     */
    version(): string {
      if (othersVersion === undefined) {
        othersVersion = changes.others()
        setImmediate(() => (othersVersion = undefined))
      }
      return `${othersVersion}.${changes.own()}`
    },

    /** Another connection of this process has committed (the writer thread): read data_version afresh. */
    committedElsewhere(): void {
      othersVersion = undefined
    },

    /** Every rollup row of these divisions in these years. */
    read(divisions: readonly string[], fromYear: number, toYear: number): RollupRow[] {
      let statement = forDivisions.get(divisions.length)
      if (!statement) {
        statement = sqlite
          .prepare(
            `SELECT ${SELECTED}
             FROM rollups
             WHERE division_code IN (${divisions.map(() => '?').join(', ')}) AND year BETWEEN ? AND ?`
          )
          .raw()
        forDivisions.set(divisions.length, statement)
      }
      return (statement.all(...divisions, fromYear, toYear) as unknown[][]).map(columns)
    },

    /** Recomputes every rollup from the current cells: after a bulk load, or to check the incremental sums. */
    rebuild(): void {
      const incomplete = `CASE r.template ${Object.values(TEMPLATES)
        .map((t) => `WHEN '${t.id}' THEN ${t.cells.map((c) => `(c.${quoted(c.code)} IS NULL)`).join(' + ')}`)
        .join(' ')} END`
      const sums = ALL_CELLS.map((cell) =>
        cell.type === 'amount' ? `total(c.${quoted(cell.code)})` : `coalesce(sum(c.${quoted(cell.code)}), 0)`
      ).join(', ')
      const levels = [
        `'${NATIONAL}'`,
        ...DIVISION_LEVELS.map((level) => `substr(r.unit_code, 1, ${CODE_LENGTHS[level]})`)
      ]
      sqlite.transaction(() => {
        sqlite.prepare('DELETE FROM rollups').run()
        for (const level of levels) {
          sqlite
            .prepare(
              `INSERT INTO rollups (${KEYS.join(', ')}, report_count, incomplete_cells, ${CODES.map(quoted).join(', ')})
               SELECT ${level}, r.year, r.template, r.status, r.timeliness, count(*), sum(${incomplete}), ${sums}
               FROM reports r JOIN current_cells c ON c.report_id = r.id
               GROUP BY 1, 2, 3, 4, 5`
            )
            .run()
        }
      })()
    }
  }
}

export type Rollups = ReturnType<typeof createRollups>

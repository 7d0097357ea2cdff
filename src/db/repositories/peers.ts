// The rules that compare a report with others (W-NARRATIVE-COPY, W-PEER-OUTLIER) read the prose
// sketches kept beside every report and the district's headline figures.
import type Database from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { codeAfter, districtOf } from '../../domain/divisions.js'
import { OUTLIER_CODES, type PeerContext } from '../../domain/rules.js'
import type { Db } from '../connection.js'
import { reportSignatures } from '../schema.js'
import { placeholders } from './prepared.js'
import { PUBLIC_STATUS_LIST } from './under.js'

export interface Signatures {
  overview: number[] | null
  problems: number[] | null
}

/**
 * Keeps the sketches of a report's current prose, run inside the caller's write transaction;
 * prepared once, as every PUT writes them. (The sketches go in as JSON text, or NULL.)
 */
export function signatureWriter(db: Db): (reportId: number, signatures: Signatures) => void {
  const json = (sketch: number[] | null) => (sketch ? JSON.stringify(sketch) : null)
  const upsert = db
    .insert(reportSignatures)
    .values(placeholders(['reportId', 'overview', 'problems'], ['overview', 'problems']))
    .onConflictDoUpdate({
      target: reportSignatures.reportId,
      set: { overview: sql.raw('excluded.overview'), problems: sql.raw('excluded.problems') }
    })
    .prepare()
  return (reportId, { overview, problems }) =>
    void upsert.run({ reportId, overview: json(overview), problems: json(problems) })
}

export function createPeersRepository(sqlite: Database.Database) {
  // The district's other public reports of a year: their prose sketches and headline figures.
  const figures = OUTLIER_CODES.map((code, i) => `c."${code}" AS c${i}`).join(', ')
  const peerQuery = sqlite.prepare(
    `SELECT h.unit_code AS unit, s.overview, s.problems, ${figures}
     FROM reports h JOIN current_cells c ON c.report_id = h.id LEFT JOIN report_signatures s ON s.report_id = h.id
     WHERE h.year = ? AND h.unit_code >= ? AND h.unit_code < ? AND h.unit_code <> ?
       AND h.status IN ${PUBLIC_STATUS_LIST}`
  )
  const ownPreviousQuery = sqlite.prepare(
    `SELECT s.overview, s.problems FROM reports h JOIN report_signatures s ON s.report_id = h.id
     WHERE h.unit_code = ? AND h.year = ? AND h.status IN ${PUBLIC_STATUS_LIST}`
  )

  return {
    /**
     * What the rules that compare with peers need: the prose sketches of the district's other
     * submitted or accepted reports of the year and of the unit's previous year, and their
     * headline figures (rules.OUTLIER_CODES).
     */
    of(unit: string, year: number): { narratives: PeerContext['narratives']; cells: PeerContext['cells'] } {
      const district = districtOf(unit)
      const narratives: PeerContext['narratives'] = []
      const figures: PeerContext['cells'] = Object.fromEntries(OUTLIER_CODES.map((code) => [code, []]))
      const add = (who: string, when: number, row: { overview: string | null; problems: string | null }) => {
        for (const part of ['overview', 'problems'] as const) {
          const sketch = row[part] ? (JSON.parse(row[part]) as number[] | null) : null
          if (sketch) narratives.push({ unit: who, year: when, part, signature: sketch })
        }
      }
      for (const row of peerQuery.all(year, district, codeAfter(district), unit) as Array<Record<string, unknown>>) {
        add(row.unit as string, year, row as { overview: string | null; problems: string | null })
        OUTLIER_CODES.forEach((code, i) => {
          const value = row[`c${i}`]
          if (typeof value === 'number') figures[code]!.push(value)
        })
      }
      const own = ownPreviousQuery.get(unit, year - 1) as
        { overview: string | null; problems: string | null } | undefined
      if (own) add(unit, year - 1, own)
      return { narratives, cells: figures }
    }
  }
}

export type PeersRepository = ReturnType<typeof createPeersRepository>

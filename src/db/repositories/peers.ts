// The rules that compare a report with others (W-NARRATIVE-COPY, W-PEER-OUTLIER) read the prose
// sketches kept beside every report and the district's headline figures.
import type Database from 'better-sqlite3'
import { codeAfter, districtOf } from '../../domain/divisions.js'
import { isPublic } from '../../domain/report.js'
import { OUTLIER_CODES, type PeerContext } from '../../domain/rules.js'
import type { Db } from '../connection.js'
import { changeCounters } from './changes.js'
import { keep } from './kept.js'
import type { ReportHead } from './reports.js'
import { PUBLIC_STATUS_LIST } from './under.js'

export interface Signatures {
  overview: number[] | null
  problems: number[] | null
}

/**
 * Keeps the sketches of a report's current prose, run inside the caller's write transaction;
 * a raw statement prepared once, as every PUT writes them. (The sketches go in as JSON text, or NULL.)
 */
export function signatureWriter(db: Db): (reportId: number, signatures: Signatures) => void {
  const json = (sketch: number[] | null) => (sketch ? JSON.stringify(sketch) : null)
  const upsert = db.$client.prepare(
    `INSERT INTO report_signatures (report_id, overview, problems) VALUES (?, ?, ?)
     ON CONFLICT (report_id) DO UPDATE SET overview = excluded.overview, problems = excluded.problems`
  )
  return (reportId, { overview, problems }) => void upsert.run(reportId, json(overview), json(problems))
}

/** A peer report's facts as the rules read them, for one revision of it. */
interface PeerFacts {
  /** `revision:updatedAt`: which state of the report they are of. */
  state: string
  overview: number[] | null
  problems: number[] | null
  figures: Array<number | null>
}

/** Reports whose facts are kept in memory at most (a few hundred bytes each), the oldest dropped first. */
const KEPT = 20_000
/** Districts and years whose public heads are kept at most; then it starts over. */
const DISTRICTS_KEPT = 1_000

/** A public report of the district: its id, its unit and which state of it is current. */
type Head = [id: number, unit: string, state: string]
const byUnit = (a: Head, b: Head) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)

export function createPeersRepository(sqlite: Database.Database) {
  // A district's public reports of a year, by id and state: a narrow read of the heads.
  const districtHeads = sqlite
    .prepare(
      `SELECT id, unit_code, current_revision || ':' || updated_at FROM reports
       WHERE year = ? AND unit_code >= ? AND unit_code < ? AND status IN ${PUBLIC_STATUS_LIST}`
    )
    .raw()
  // A report's prose sketches and headline figures: read again only when its state has changed,
  // as a row of two hundred cells costs several times the heads to read.
  const figures = OUTLIER_CODES.map((code) => `c."${code}"`).join(', ')
  const factsQuery = sqlite
    .prepare(
      `SELECT s.overview, s.problems, ${figures}
       FROM current_cells c LEFT JOIN report_signatures s ON s.report_id = c.report_id WHERE c.report_id = ?`
    )
    .raw()
  const sketch = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as number[] | null) : null)
  const kept = new Map<number, PeerFacts>()

  // The heads are kept between reads while nothing else has changed the database: data_version
  // moves when another connection commits, total_changes() when this one writes (and `stored`
  // accounts for this connection's own new revisions). Every PUT reads its district's heads of
  // the year and of the year before, so a PUT after a PUT of the same district reads none.
  const changes = changeCounters(sqlite)
  const heads = new Map<string, Head[]>()
  let basis: { version: number; changes: number } | undefined

  /** Drops the kept heads if the database has changed since they were read. */
  function checkKept(): void {
    const version = changes.others()
    const own = changes.own()
    if (basis?.version !== version || basis.changes !== own || heads.size >= DISTRICTS_KEPT) {
      heads.clear()
      basis = { version, changes: own }
    }
  }

  function headsOf(district: string, year: number): Head[] {
    const key = `${district}/${year}`
    let found = heads.get(key)
    if (!found) {
      // In unit order, kept so by `stored`: the peers are compared in the same order however read.
      found = (districtHeads.all(year, district, codeAfter(district)) as Head[]).sort(byUnit)
      heads.set(key, found)
    }
    return found
  }

  function factsOf(id: number, state: string): PeerFacts {
    const known = kept.get(id)
    if (known?.state === state) return known
    const row = (factsQuery.get(id) as unknown[] | undefined) ?? []
    const facts: PeerFacts = {
      state,
      overview: sketch(row[0]),
      problems: sketch(row[1]),
      figures: OUTLIER_CODES.map((_, i) => (typeof row[i + 2] === 'number' ? (row[i + 2] as number) : null))
    }
    keep(kept, KEPT, id, facts)
    return facts
  }

  return {
    /**
     * What the rules that compare with peers need: the prose sketches of the district's other
     * submitted or accepted reports of the year and of the unit's previous year, and their
     * headline figures (rules.OUTLIER_CODES).
     */
    of(unit: string, year: number): { narratives: PeerContext['narratives']; cells: PeerContext['cells'] } {
      checkKept()
      const district = districtOf(unit)
      const narratives: PeerContext['narratives'] = []
      const cells: PeerContext['cells'] = Object.fromEntries(OUTLIER_CODES.map((code) => [code, []]))
      const add = (who: string, when: number, sketches: Pick<PeerFacts, 'overview' | 'problems'>) => {
        for (const part of ['overview', 'problems'] as const) {
          const signature = sketches[part]
          if (signature) narratives.push({ unit: who, year: when, part, signature })
        }
      }
      for (const [id, peer, state] of headsOf(district, year)) {
        if (peer === unit) continue
        const facts = factsOf(id, state)
        add(peer, year, facts)
        OUTLIER_CODES.forEach((code, i) => {
          const value = facts.figures[i]
          if (value !== null && value !== undefined) cells[code]!.push(value)
        })
      }
      const own = headsOf(district, year - 1).find(([, peer]) => peer === unit)
      if (own) add(unit, year - 1, factsOf(own[0], own[2]))
      return { narratives, cells }
    },

    /**
     * Accounts for a revision this connection has just written (inside the transaction that
     * wrote it): its district's heads are brought up to date rather than read again.
     */
    stored(head: ReportHead): void {
      if (!basis) return
      const { id, unitCode: unit, year } = head
      const list = heads.get(`${districtOf(unit)}/${year}`)
      if (list) {
        const at = list.findIndex(([other]) => other === id)
        if (at >= 0) list.splice(at, 1)
        if (isPublic(head.status)) {
          const next = list.findIndex(([, other]) => other > unit)
          // The state as the heads' query makes it (updated_at is stored in milliseconds).
          list.splice(next < 0 ? list.length : next, 0, [
            id,
            unit,
            `${head.currentRevision}:${head.updatedAt.getTime()}`
          ])
        }
      }
      basis.changes = changes.own()
    },

    /** Drops what is kept: after a rollback, what `stored` accounted for may not have happened. */
    forget(): void {
      heads.clear()
      kept.clear()
      basis = undefined
    }
  }
}

export type PeersRepository = ReturnType<typeof createPeersRepository>

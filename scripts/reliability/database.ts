// Checks on a database file at rest, shared by the reliability scripts and tests: a fresh seeded
// database with an admin token, its integrity, its invariants, and a fingerprint of its content.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openDatabase } from '../../src/db/connection.js'
import { canonicalJson, type Report } from '../../src/domain/report.js'
import { createRollups } from '../../src/db/repositories/rollups.js'
import { seedDivisions } from '../../src/db/seed-divisions.js'
import { createRepositories } from '../../src/plugins/db.js'
import { issueToken } from '../../src/services/tokens.js'

/** A new database file with the registry seeded and an admin token; returns the token. */
export function prepareDatabase(path: string): string {
  const connection = openDatabase(path)
  const repos = createRepositories(connection)
  seedDivisions(repos.divisions)
  const { token } = issueToken(
    repos,
    { role: 'admin', label: 'reliability' },
    { actor: null, requestId: 'reliability', clientAddress: 'local' },
    new Date()
  )
  connection.sqlite.close()
  return token
}

/** A PUT the server answered 2xx: the revision it named and the canonical JSON it was sent. */
export interface Acknowledged {
  unit: string
  year: number
  revision: number
  body: string
}

/**
 * How many acknowledged PUTs are not stored exactly as acknowledged (an unchanged answer names an
 * earlier revision).
 */
export function countLost(path: string, acknowledged: readonly Acknowledged[]): number {
  const db = new Database(path, { readonly: true })
  try {
    const stored = db.prepare(
      `SELECT r.body
       FROM report_revisions r
       JOIN reports h ON h.id = r.report_id
       WHERE h.unit_code = ? AND h.year = ? AND r.revision = ?`
    )
    let lost = 0
    for (const ack of acknowledged) {
      const row = stored.get(ack.unit, ack.year, ack.revision) as { body: string } | undefined
      if (!row || canonicalJson(JSON.parse(row.body) as Report) !== ack.body) lost++
    }
    return lost
  } finally {
    db.close()
  }
}

/** Everything a refused request must leave as it was (a token's last-used time aside). */
export function fingerprint(path: string): string {
  const db = new Database(path, { readonly: true })
  try {
    const tables = [
      'reports',
      'report_revisions',
      'report_reviews',
      'current_cells',
      'rollups',
      'deadlines',
      'audit_log'
    ]
    const rows = tables.map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().all())
    rows.push(db.prepare('SELECT id, role, scope, revoked_at FROM tokens ORDER BY id').raw().all())
    return JSON.stringify(rows)
  } finally {
    db.close()
  }
}

/**
 * The invariants of a database at rest: SQLite's integrity check; every revision under a head,
 * every head with its current revision, its current cells and an audit entry per revision; and
 * rollups equal to a rebuild from the current cells. Returns the problems found (none: []).
 */
export function checkDatabase(path: string): string[] {
  const problems: string[] = []
  const db = new Database(path, { readonly: true })
  try {
    const integrity = db.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`)
    const count = (label: string, sql: string) => {
      const n = (db.prepare(sql).get() as { n: number }).n
      if (n > 0) problems.push(`${n} ${label}`)
    }
    count(
      'revisions without a report',
      'SELECT count(*) n FROM report_revisions r LEFT JOIN reports h ON h.id = r.report_id WHERE h.id IS NULL'
    )
    count(
      'reports without their current revision',
      `SELECT count(*) n
       FROM reports h
       LEFT JOIN report_revisions r ON r.report_id = h.id AND r.revision = h.current_revision
       WHERE r.id IS NULL`
    )
    count(
      'reports with revisions after the current one',
      `SELECT count(*) n
       FROM report_revisions r
       JOIN reports h ON h.id = r.report_id
       WHERE r.revision > h.current_revision`
    )
    count(
      'reports whose current cells are missing or stale',
      `SELECT count(*) n
       FROM reports h
       LEFT JOIN current_cells c ON c.report_id = h.id
       WHERE c.report_id IS NULL OR c.revision <> h.current_revision`
    )
    count(
      'cells without a report',
      'SELECT count(*) n FROM current_cells c LEFT JOIN reports h ON h.id = c.report_id WHERE h.id IS NULL'
    )
    count(
      'revisions without their audit entry',
      `SELECT count(*) n FROM report_revisions r JOIN reports h ON h.id = r.report_id
       WHERE NOT EXISTS (SELECT 1 FROM audit_log a
                         WHERE a.action = 'report.revision' AND a.target = h.unit_code || '/' || h.year
                           AND json_extract(a.detail, '$.revision') = r.revision)`
    )
  } finally {
    db.close()
  }
  problems.push(...rollupDrift(path))
  return problems
}

/** Rollups kept by the writes, compared with a rebuild from the current cells on a copy. */
function rollupDrift(path: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-check-'))
  const copy = join(dir, 'copy.sqlite')
  try {
    const source = new Database(path, { readonly: true })
    source.prepare('VACUUM INTO ?').run(copy)
    source.close()
    const db = new Database(copy)
    const snapshot = () =>
      db
        .prepare('SELECT * FROM rollups ORDER BY division_code, year, template, status, timeliness')
        .raw()
        .all()
        .map((row) => (row as unknown[]).map((v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)))
    const kept = JSON.stringify(snapshot())
    createRollups(db).rebuild()
    const rebuilt = JSON.stringify(snapshot())
    db.close()
    return kept === rebuilt ? [] : ['rollups differ from a rebuild from the current cells']
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Backup while serving: `npm run backup` runs in the middle of a load of PUTs; the copy is then
// restored (a service started on it) and every report in it compared with the live database.
// `node --import tsx scripts/reliability/backup.ts`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startServer } from '../../bench/harness.js'
import { canonicalJson } from '../../src/domain/report.js'
import { sampleReport, seededRandom } from '../../src/domain/sample-report.js'
import { checkDatabase, prepareDatabase } from './database.js'

export interface BackupRound {
  acknowledgedBefore: number
  acknowledgedTotal: number
  reportsInBackup: number
  /** Reports in the backup whose current revision differs from the live one of the same number. */
  mismatched: number
  /** Reports the restored service does not answer as in the backup. */
  unreadable: number
  problems: string[]
  output: string
}

export async function backupRound(port: number): Promise<BackupRound> {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-backup-'))
  const path = join(dir, 'live.sqlite')
  const copy = join(dir, 'backup.sqlite')
  try {
    const token = prepareDatabase(path)
    const env = { DATABASE_PATH: path, LOG_LEVEL: 'silent', WRITE_LIMIT_PER_MINUTE: '1000000' }
    const server = await startServer('src/server.ts', env, port, '/readyz')
    const units = (
      (await (await fetch(`${server.url}/v1/divisions/3508/children?limit=100`)).json()) as {
        items: Array<{ code: string }>
      }
    ).items
    const townships = (
      await Promise.all(
        units.map(
          async (d) =>
            (
              (await (await fetch(`${server.url}/v1/divisions/${d.code}/children?limit=100`)).json()) as {
                items: Array<{ code: string }>
              }
            ).items
        )
      )
    ).flat()
    let acknowledged = 0
    let stop = false
    let n = 0
    const client = async () => {
      while (!stop) {
        const i = n++
        const unit = townships[i % townships.length]!.code
        const response = await fetch(`${server.url}/v1/reports/${unit}/2021`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(sampleReport({ unit, year: 2021, template: 'gb2021', random: seededRandom(i + 1) }))
        })
        await response.arrayBuffer()
        if (response.ok) acknowledged++
      }
    }
    const clients = Array.from({ length: 4 }, client)
    await new Promise((resolve) => setTimeout(resolve, 800))
    const acknowledgedBefore = acknowledged
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/backup.ts', copy], {
      env: { ...process.env, DATABASE_PATH: path },
      encoding: 'utf8'
    })
    await new Promise((resolve) => setTimeout(resolve, 400))
    stop = true
    await Promise.all(clients)
    await server.stop()

    // Every report of the backup is a revision the live database also holds, unchanged.
    const live = new Database(path, { readonly: true })
    const backup = new Database(copy, { readonly: true })
    const inBackup = backup
      .prepare(
        `SELECT h.unit_code AS unit, h.year, h.current_revision AS revision, r.body
         FROM reports h
         JOIN report_revisions r ON r.report_id = h.id AND r.revision = h.current_revision`
      )
      .all() as Array<{ unit: string; year: number; revision: number; body: string }>
    const liveRevision = live.prepare(
      `SELECT r.body
       FROM report_revisions r
       JOIN reports h ON h.id = r.report_id
       WHERE h.unit_code = ? AND h.year = ? AND r.revision = ?`
    )
    let mismatched = 0
    for (const row of inBackup)
      if ((liveRevision.get(row.unit, row.year, row.revision) as { body: string } | undefined)?.body !== row.body)
        mismatched++
    live.close()
    backup.close()
    const problems = checkDatabase(copy)

    // Restore: a service started on the copy answers every report as the copy holds it.
    const restored = await startServer('src/server.ts', { ...env, DATABASE_PATH: copy }, port, '/readyz')
    let unreadable = 0
    for (const row of inBackup) {
      const answer = (await (
        await fetch(`${restored.url}/v1/reports/${row.unit}/${row.year}`, {
          headers: { authorization: `Bearer ${token}` }
        })
      ).json()) as {
        revision?: number
        requests?: unknown
      }
      if (
        answer.revision !== row.revision ||
        canonicalJson(answer.requests) !== canonicalJson((JSON.parse(row.body) as { requests: unknown }).requests)
      )
        unreadable++
    }
    await restored.stop()
    return {
      acknowledgedBefore,
      acknowledgedTotal: acknowledged,
      reportsInBackup: inBackup.length,
      mismatched,
      unreadable,
      problems,
      output: output.trim()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await backupRound(0)
  console.log(result)
  const ok =
    result.reportsInBackup > 0 && result.mismatched === 0 && result.unreadable === 0 && result.problems.length === 0
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`)
  process.exit(ok ? 0 : 1)
}

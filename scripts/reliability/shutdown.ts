// Graceful shutdown: SIGTERM while PUTs are in flight. Requests under way complete, new ones are
// refused, the database is closed (its WAL folded back and removed), and no acknowledged write
// is lost. `node --import tsx scripts/reliability/shutdown.ts`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../bench/harness.js'
import { canonicalJson, toReport } from '../../src/domain/report.js'
import { sampleReport, seededRandom } from '../../src/domain/sample-report.js'
import { checkDatabase, countLost, prepareDatabase, type Acknowledged } from './database.js'

export interface ShutdownRound {
  exit: { code: number | null; signal: string | null }
  acknowledged: number
  lost: number
  /** Requests answered 503 or refused at connect after SIGTERM. */
  refused: number
  /** Requests that failed in another way (reset mid-response): must be 0. */
  broken: number
  walRemoved: boolean
  problems: string[]
}

export async function shutdownRound(port: number): Promise<ShutdownRound> {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-shutdown-'))
  const path = join(dir, 'ogi.sqlite')
  try {
    const token = prepareDatabase(path)
    const server = await startServer(
      'src/server.ts',
      { DATABASE_PATH: path, LOG_LEVEL: process.env.SHUTDOWN_LOG_LEVEL ?? 'silent', WRITE_LIMIT_PER_MINUTE: '1000000' },
      port,
      '/readyz'
    )
    const units = (
      (await (await fetch(`${server.url}/v1/divisions/350803/children?limit=100`)).json()) as {
        items: Array<{ code: string }>
      }
    ).items
    const acknowledged: Acknowledged[] = []
    let refused = 0
    let broken = 0
    let terminating = false
    let n = 0
    const client = async () => {
      for (let k = 0; k < 400; k++) {
        const i = n++
        const unit = units[i % units.length]!.code
        const report = sampleReport({ unit, year: 2021, template: 'gb2021', random: seededRandom(i + 1) })
        try {
          const response = await fetch(`${server.url}/v1/reports/${unit}/2021`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(report)
          })
          const body = (await response.json()) as { revision?: number }
          if (response.ok)
            acknowledged.push({
              unit,
              year: 2021,
              revision: body.revision!,
              body: canonicalJson(toReport(report, unit, 2021))
            })
          else if (response.status === 503) refused++
          else broken++
        } catch (error) {
          // After SIGTERM the listener is closed: a refused connection is the expected answer.
          if (terminating && /ECONNREFUSED|other side closed|ECONNRESET/.test(String((error as Error).cause ?? error)))
            refused++
          else broken++
          if (terminating) return
        }
      }
    }
    const clients = Array.from({ length: 6 }, client)
    await new Promise((resolve) => setTimeout(resolve, 600))
    terminating = true
    const exit = await server.kill('SIGTERM')
    await Promise.all(clients)
    // Before anything opens it again: a cleanly closed database has folded its WAL back.
    const walRemoved = !existsSync(`${path}-wal`)

    // At rest: every acknowledged revision as acknowledged.
    const lost = countLost(path, acknowledged)
    return { exit, acknowledged: acknowledged.length, lost, refused, broken, walRemoved, problems: checkDatabase(path) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await shutdownRound(0)
  console.log(result)
  const ok =
    result.exit.code === 0 &&
    result.lost === 0 &&
    result.broken === 0 &&
    result.walRemoved &&
    result.problems.length === 0
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`)
  process.exit(ok ? 0 : 1)
}

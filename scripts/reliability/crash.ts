// Crash safety: the real server on a file database takes concurrent PUTs of distinct reports and
// is killed with SIGKILL at a random moment; then every PUT that was answered 2xx must be stored
// exactly as acknowledged, nothing may be half-written, and the server must start again.
// `node --import tsx scripts/reliability/crash.ts [rounds]` (20 by default; CI runs 3).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../bench/harness.js'
import { canonicalJson, toReport } from '../../src/domain/report.js'
import { sampleReport, seededRandom } from '../../src/domain/sample-report.js'
import { checkDatabase, countLost, prepareDatabase, type Acknowledged } from './database.js'

export interface CrashRound {
  acknowledged: number
  /** Acknowledged PUTs not found as acknowledged after the crash: must be 0. */
  lost: number
  problems: string[]
  killedAfterMs: number
}

export async function crashRound(round: number, port: number): Promise<CrashRound> {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-crash-'))
  const path = join(dir, 'ogi.sqlite')
  try {
    const token = prepareDatabase(path)
    const env = { DATABASE_PATH: path, LOG_LEVEL: 'silent', WRITE_LIMIT_PER_MINUTE: '1000000' }
    const server = await startServer('src/server.ts', env, port, '/readyz')
    const units = (await (await fetch(`${server.url}/v1/divisions/350803/children?limit=100`)).json()) as {
      items: Array<{ code: string }>
    }
    const codes = units.items.map((u) => u.code)
    const acknowledged: Acknowledged[] = []
    const random = seededRandom(round * 7919 + 1)
    let stop = false
    let n = 0
    const client = async (id: number) => {
      while (!stop) {
        const i = n++
        const unit = codes[(id * 7 + i) % codes.length]!
        const year = 2021 + (i % 3)
        const report = sampleReport({
          unit,
          year,
          template: 'gb2021',
          random: seededRandom(round * 100_000 + i),
          status: i % 5 === 0 ? 'draft' : 'submitted'
        })
        try {
          const response = await fetch(`${server.url}/v1/reports/${unit}/${year}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(report)
          })
          const body = (await response.json()) as { revision?: number }
          if (response.ok)
            acknowledged.push({
              unit,
              year,
              revision: body.revision!,
              body: canonicalJson(toReport(report, unit, year))
            })
        } catch {
          // the server died under this request: it was never acknowledged
        }
      }
    }
    const killedAfterMs = 150 + Math.floor(random() * 1500)
    const clients = Array.from({ length: 8 }, (_, id) => client(id))
    await new Promise((resolve) => setTimeout(resolve, killedAfterMs))
    await server.kill('SIGKILL')
    stop = true
    await Promise.all(clients)

    // At rest: every acknowledged revision as acknowledged.
    const lost = countLost(path, acknowledged)
    const problems = checkDatabase(path)

    // And the server starts again on it.
    const again = await startServer('src/server.ts', env, port, '/readyz')
    const probe = await fetch(`${again.url}/v1/aggregates/350803/2021`)
    if (!probe.ok) problems.push(`after restart, an aggregate answers ${probe.status}`)
    await again.stop()
    return { acknowledged: acknowledged.length, lost, problems, killedAfterMs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2] ?? 20)
  let failed = 0
  for (let round = 1; round <= rounds; round++) {
    const result = await crashRound(round, 0)
    const ok = result.lost === 0 && result.problems.length === 0
    if (!ok) failed++
    console.log(
      `round ${round}: killed after ${result.killedAfterMs} ms, ${result.acknowledged} PUTs acknowledged, ` +
        `${result.lost} lost` +
        (result.problems.length > 0 ? `, problems: ${result.problems.join('; ')}` : '')
    )
  }
  console.log(`${rounds - failed} passed, ${failed} failed`)
  process.exit(failed > 0 ? 1 : 0)
}

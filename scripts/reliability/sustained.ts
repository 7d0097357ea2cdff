// Sustained load: mixed traffic (submissions, aggregates, coverage, lists, exports) at about 80%
// of the capacity measured just before, for a fixed time, against the real server on loopback.
// Reports errors, p99 latency and memory every few seconds; memory must not keep growing.
// `node --import tsx scripts/reliability/sustained.ts [seconds]` (60 by default).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import autocannon from 'autocannon'
import { rssMb, startServer } from '../../bench/harness.js'
import { sampleReport, seededRandom } from '../../src/domain/sample-report.js'
import { prepareDatabase } from './database.js'

export interface SustainedRun {
  capacityRps: number
  targetRps: number
  achievedRps: number
  requests: number
  errors: number
  p50: number
  p99: number
  rssMb: number[]
  /** Mean memory of the last third of the run over the middle third: ≈ 1 when nothing leaks. */
  rssGrowth: number
}

const YEAR = 2021

function mixed(url: string, token: string, units: string[]) {
  const bodies = units.flatMap((unit) =>
    [1, 2].map((v) => ({
      unit,
      body: JSON.stringify(
        sampleReport({ unit, year: 2022, template: 'gb2021', random: seededRandom(v * 7 + Number(unit.slice(-3))) })
      )
    }))
  )
  let n = 0
  return {
    url,
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const i = n++
          const slot = i % 10
          request.headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` }
          if (slot < 2) {
            const { unit, body } = bodies[i % bodies.length]!
            return { ...request, method: 'PUT', path: `/v1/reports/${unit}/2022`, body }
          }
          const paths = [
            '',
            '',
            `/v1/aggregates/350803/${YEAR}`,
            `/v1/aggregates/350803/${YEAR}?groupBy=child`,
            `/v1/aggregates/cn/${YEAR}`,
            `/v1/coverage/350803/${YEAR}`,
            `/v1/coverage/35/${YEAR}?state=late`,
            `/v1/reports?year=${YEAR}&under=3508&limit=50`,
            `/v1/aggregates/3508?from=2020&to=2022`,
            `/v1/exports/reports.csv?year=${YEAR}&under=350803`
          ]
          return { ...request, method: 'GET', path: paths[slot], body: undefined }
        }
      }
    ]
  }
}

export async function sustainedRun(seconds: number, port: number): Promise<SustainedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-sustained-'))
  const path = join(dir, 'ogi.sqlite')
  try {
    const token = prepareDatabase(path)
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/seed-demo.ts', '--years', '2020,2021', '--scale', 'district:35'],
      { env: { ...process.env, DATABASE_PATH: path } }
    )
    const server = await startServer(
      'src/server.ts',
      { DATABASE_PATH: path, LOG_LEVEL: 'warn', WRITE_LIMIT_PER_MINUTE: '100000000' },
      port,
      '/readyz'
    )
    try {
      const units = (
        (await (await fetch(`${server.url}/v1/divisions/350803/children?limit=100`)).json()) as {
          items: Array<{ code: string }>
        }
      ).items.map((u) => u.code)
      const run = (options: Partial<autocannon.Options>) =>
        autocannon({
          ...(mixed(server.url, token, units) as unknown as autocannon.Options),
          connections: 8,
          ...options
        })
      const capacity = await run({ duration: Math.min(10, Math.max(3, Math.round(seconds / 6))) })
      const targetRps = Math.max(1, Math.round(capacity.requests.average * 0.8))
      const samples: number[] = []
      const sampler = setInterval(() => samples.push(rssMb(server.pid)), 1000)
      const result = await run({ duration: seconds, overallRate: targetRps })
      clearInterval(sampler)
      const third = Math.max(1, Math.floor(samples.length / 3))
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
      const growth = mean(samples.slice(-third)) / Math.max(1, mean(samples.slice(third, 2 * third)))
      return {
        capacityRps: Math.round(capacity.requests.average),
        targetRps,
        achievedRps: Math.round(result.requests.average),
        requests: result.requests.total,
        errors: result.errors + result.timeouts + result.non2xx,
        p50: result.latency.p50,
        p99: result.latency.p99,
        rssMb: samples,
        rssGrowth: Number(growth.toFixed(3))
      }
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await sustainedRun(Number(process.argv[2] ?? 60), 0)
  console.log({
    ...result,
    rssMb:
      `${result.rssMb[0]} … ${result.rssMb.at(-1)} MB ` +
      `(${result.rssMb.length} samples, max ${Math.max(...result.rssMb)})`
  })
  const ok = result.errors === 0 && result.rssGrowth < 1.1
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`)
  process.exit(ok ? 0 : 1)
}

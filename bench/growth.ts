// `npm run bench -- growth`: does a request cost the same on a national database of seven years
// (every township of the country, 2019–2025, demo data: ~270,000 reports) as on one that holds
// a single district? Each figure is a ratio between the two, measured in the same run:
//   - PUT of a report (the district's 24 townships, a new revision each time): p50 ≤ 1.2 ×;
//   - an aggregate computed afresh (right after a write): cn/2025 on the national database
//     ≤ 1.5 × the district's on the one-district database;
//   - a whole national year's cells.csv: peak server RSS < 200 MB, its throughput against the
//     yardstick (bench/export-floor.ts: one plain SELECT streamed as the same CSV), and the same
//     year exported from a one-year database (≤ 1.2 × the time). A province, a district and
//     NDJSON too, which must not scan the whole table; the year's reports.xlsx, in the same bound.
// The databases are generated once into bench/.data (minutes) and copied for the writes.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { load, rssMb, startServer, type Server, SERVICE } from './harness.js'

const YEAR = 2025
const YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025]
const DISTRICT = '350803'
type Row = (name: string, figures: Record<string, string | number>) => void

function database(dataDir: string, years: number[], scale: 'national' | `district:${string}`): string {
  const span = `${years[0]}${years.length > 1 ? `-${years.at(-1)}` : ''}`
  const path = join(dataDir, `growth-${scale === 'national' ? '' : `${scale.slice(9)}-`}${span}.sqlite`)
  if (!existsSync(path)) {
    console.log(`generating ${path} (${scale}, ${years.join(', ')}; minutes for the country, once)…`)
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/seed-demo.ts', '--years', years.join(','), '--scale', scale],
      { env: { ...process.env, DATABASE_PATH: path }, stdio: 'inherit' }
    )
  }
  return path
}

/** A copy to write into, so that the generated database stays as it was made. */
function writableCopy(path: string): string {
  const copy = path.replace(/\.sqlite$/, '.run.sqlite')
  for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true })
  copyFileSync(path, copy)
  return copy
}

function adminToken(path: string): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/token.ts', 'create', '--role', 'admin', '--label', 'bench'],
    { env: { ...process.env, DATABASE_PATH: path }, encoding: 'utf8' }
  )
    .trim()
    .split('\n')
    .at(-1)!
}

/** Downloads `url` whole, sampling the server's memory; seconds, MB and peak RSS. */
async function download(server: Server, url: string) {
  const before = rssMb(server.pid)
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 20)
  const started = performance.now()
  const response = await fetch(url)
  let bytes = 0
  for await (const chunk of response.body!) bytes += (chunk as Uint8Array).length
  clearInterval(sampler)
  const seconds = (performance.now() - started) / 1000
  return {
    status: response.status,
    MB: Math.round(bytes / 2 ** 20),
    seconds: Number(seconds.toFixed(1)),
    MBps: Number((bytes / 2 ** 20 / seconds).toFixed(1)),
    rssBeforeMB: before,
    peakRssMB: peak
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** PUT p50 under load, and an aggregate's time right after each of a series of writes. */
async function writeAndReadCases(path: string, aggregate: string, seconds: number) {
  const copy = writableCopy(path)
  const token = adminToken(copy)
  const units = new Database(copy, { readonly: true })
    .prepare("SELECT code FROM divisions WHERE level = 'township' AND code LIKE ? ORDER BY code")
    .pluck()
    .all(`${DISTRICT}%`) as string[]
  // The year after the last one held: the first PUT of each township stores a new report, the
  // next ones new revisions; the rules compare with the seeded previous year.
  const year = YEAR + 1
  const bodies: string[] = []
  const paths: string[] = []
  for (const variant of [1, 2, 3]) {
    for (const unit of units) {
      bodies.push(
        JSON.stringify(
          sampleReport({
            unit,
            year,
            template: 'gb2021',
            random: seededRandom(variant * 7919 + Number(unit.slice(-4)))
          })
        )
      )
      paths.push(`/v1/reports/${unit}/${year}`)
    }
  }
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` }
  const service = await startServer(
    SERVICE,
    { DATABASE_PATH: copy, LOG_LEVEL: 'warn', WRITE_LIMIT_PER_MINUTE: '100000000' },
    0,
    '/readyz'
  )
  try {
    const puts = await load({ url: service.url, method: 'PUT', seconds, connections: 10, headers, bodies, paths })
    // Each write (content no PUT has sent yet) changes the data version, so the next aggregate
    // is computed from the rollups.
    const afresh: number[] = []
    for (let i = 0; i < 60; i++) {
      const unit = units[i % units.length]!
      const report = sampleReport({ unit, year, template: 'gb2021', random: seededRandom(100_003 + i) })
      const put = await fetch(`${service.url}/v1/reports/${unit}/${year}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(report)
      })
      await put.arrayBuffer()
      if (!put.ok) throw new Error(`PUT answered ${put.status}`)
      const started = performance.now()
      const answer = await fetch(`${service.url}/v1/aggregates/${aggregate}/${YEAR}`)
      await answer.arrayBuffer()
      if (!answer.ok) throw new Error(`aggregate answered ${answer.status}`)
      afresh.push(performance.now() - started)
    }
    return { puts, afreshMs: Number(median(afresh).toFixed(2)) }
  } finally {
    await service.stop()
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true })
  }
}

export async function growthCases(dataDir: string, row: Row, seconds: number) {
  const national = database(dataDir, YEARS, 'national')
  const district = database(dataDir, YEARS, `district:${DISTRICT}`)

  const small = await writeAndReadCases(district, DISTRICT, seconds)
  const large = await writeAndReadCases(national, 'cn', seconds)
  row(`growth: PUT, one district's database (yardstick)`, {
    rps: small.puts.rps,
    p50: small.puts.p50,
    mean: small.puts.mean
  })
  row('growth: PUT, the national seven-year database', {
    rps: large.puts.rps,
    p50: large.puts.p50,
    mean: large.puts.mean,
    errors: large.puts.errors + large.puts.non2xx + small.puts.errors + small.puts.non2xx,
    p50Ratio: Number((large.puts.p50 / Math.max(1, small.puts.p50)).toFixed(2)),
    meanRatio: Number((large.puts.mean / small.puts.mean).toFixed(2)),
    target: 'p50 ≤ 1.2 × one district'
  })
  row(`growth: aggregate ${DISTRICT}/${YEAR} right after a write, one district's database (yardstick)`, {
    medianMs: small.afreshMs
  })
  row(`growth: aggregate cn/${YEAR} right after a write, the national seven-year database`, {
    medianMs: large.afreshMs,
    ratio: Number((large.afreshMs / small.afreshMs).toFixed(2)),
    target: '≤ 1.5 × the district on its own database'
  })

  // Exports: a year from a one-year and from the seven-year national database.
  const measured: Record<string, { seconds: number; MBps: number }> = {}
  for (const [label, path] of [
    ['one year', database(dataDir, [YEAR], 'national')],
    ['seven years', national]
  ] as const) {
    const floor = await startServer('bench/export-floor.ts', { DATABASE_PATH: path }, 0, '/ready')
    let yardstick
    try {
      yardstick = await download(floor, `${floor.url}/cells.csv?year=${YEAR}`)
    } finally {
      await floor.stop()
    }
    row(`yardstick: plain SELECT → csv-stringify, cells.csv ${YEAR} (${label} in the database)`, yardstick)
    // A fresh service for each database, so that its peak memory is the export's own.
    const service = await startServer(SERVICE, { DATABASE_PATH: path, LOG_LEVEL: 'warn' }, 0, '/readyz')
    try {
      const whole = await download(service, `${service.url}/v1/exports/cells.csv?year=${YEAR}`)
      measured[label] = whole
      row(`cells.csv ${YEAR}, the whole country (${label} in the database)`, {
        ...whole,
        vsYardstick: `${Math.round((whole.MBps / yardstick.MBps) * 100)}%`,
        target: 'peak RSS < 200 MB, throughput ≥ 50% of the yardstick'
      })
      const workbook = await download(service, `${service.url}/v1/exports/reports.xlsx?year=${YEAR}`)
      row(`reports.xlsx ${YEAR}, the whole country (${label} in the database)`, {
        ...workbook,
        target: 'peak RSS < 200 MB, as cells.csv'
      })
      for (const [name, url] of [
        ['cells.csv of a province (35)', `/v1/exports/cells.csv?year=${YEAR}&under=35`],
        ['cells.csv of a district (350803)', `/v1/exports/cells.csv?year=${YEAR}&under=350803`],
        ['reports.ndjson of a province (35)', `/v1/exports/reports.ndjson?year=${YEAR}&under=35`]
      ] as const) {
        const result = await download(service, service.url + url)
        measured[`${label} ${name}`] = result
        row(`${name} ${YEAR} (${label} in the database)`, result)
      }
    } finally {
      await service.stop()
    }
  }
  const ratio = (name: string) =>
    Number((measured[`seven years${name}`]!.seconds / Math.max(0.05, measured[`one year${name}`]!.seconds)).toFixed(2))
  row('growth: seven-year database ÷ one-year database, export time', {
    country: ratio(''),
    province: ratio(' cells.csv of a province (35)'),
    district: ratio(' cells.csv of a district (350803)'),
    ndjson: ratio(' reports.ndjson of a province (35)'),
    target: '≤ 1.2'
  })
}

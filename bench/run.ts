// npm run bench: every benchmark of the project. HTTP cases run against real listening servers
// (the service, and a bare Fastify server as the yardstick) started as child processes on
// loopback, with autocannon in this process; every figure is printed as a ratio to the bare
// route measured in the same run. Each load is bounded in time.
//
// The national database (every township, one year of demo reports) is generated once into
// bench/.data and copied for each run, so that writes never leak from one run into the next.
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { ALL_CELLS } from '../src/domain/templates.js'
import { freePort, inTurns, load, ratio, rssMb, SERVICE_FLAGS, startServer, type Server, SERVICE } from './harness.js'
import { growthCases } from './growth.js'
import { importWorstCases } from './import-worst.js'
import { fileImportBenchmarks, validationBenchmarks } from './validation.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
/** Turns of a case and its yardstick (the median of each is kept). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** Starts measured per case: one start is one sample of a noisy machine, so the median of several is kept. */
const STARTS = Number(process.env.BENCH_STARTS ?? 5)
/**
 * `npm run bench -- reads puts` runs only those sections (validation, start, import-worst, export,
 * reads, puts; growth on request: it generates a national seven-year database and takes minutes).
 */
const sections = process.argv.slice(2)
const wants = (section: string) => sections.length === 0 || sections.includes(section)
const DATA = new URL('.data/', import.meta.url).pathname
const NATIONAL = join(DATA, 'national-2021.sqlite')
const RUN = join(DATA, 'run.sqlite')
const YEAR = 2021
const DISTRICT = '350803'

const npm = (args: string[], env: Record<string, string>) =>
  execFileSync('npm', ['run', '-s', ...args], { env: { ...process.env, ...env }, encoding: 'utf8' })

function prepareDatabase(): void {
  mkdirSync(DATA, { recursive: true })
  if (!existsSync(NATIONAL)) {
    console.log('generating the national demo database (once)…')
    console.log(
      npm(['seed:demo', '--', '--years', String(YEAR), '--scale', 'national'], { DATABASE_PATH: NATIONAL }).trim()
    )
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(RUN + suffix, { force: true })
  copyFileSync(NATIONAL, RUN)
}

/** The hand-written baseline: SUM of every cell over the year's submitted reports, straight from SQLite. */
function handWrittenSum(): { medianMs: number; reports: number } {
  const db = new Database(RUN, { readonly: true })
  const statement = db.prepare(
    `SELECT count(*) AS n, ${ALL_CELLS.map((c) => `sum(c."${c.code}")`).join(', ')}
     FROM reports r JOIN current_cells c ON c.report_id = r.id
     WHERE r.year = ? AND r.status IN ('submitted', 'accepted')`
  )
  const times: number[] = []
  let reports = 0
  for (let i = 0; i < 15; i++) {
    const start = performance.now()
    reports = (statement.get(YEAR) as { n: number }).n
    times.push(performance.now() - start)
  }
  db.close()
  times.sort((a, b) => a - b)
  return { medianMs: Number(times[Math.floor(times.length / 2)]!.toFixed(2)), reports }
}

const rows: Array<Record<string, string | number>> = []
const row = (name: string, figures: Record<string, string | number>) => {
  rows.push({ case: name, ...figures })
  console.log(name, figures)
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`
)
if (wants('validation')) {
  console.log('\nImport and validation of one report (pure computation, one core)')
  console.table(validationBenchmarks())
  console.log('\nImport of PDF and Word files (targets: a five-page PDF < 100 ms, a .docx < 30 ms)')
  console.table(await fileImportBenchmarks())
}

// The service runs as `npm start` runs it: compiled to dist/.
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
if (wants('import-worst')) {
  console.log('\nImport bombs: worst answer, memory growth, and /healthz meanwhile')
  mkdirSync(DATA, { recursive: true })
  await importWorstCases(DATA, row)
}
if (wants('start')) {
  console.log(`\nStarting: on an empty database, and \`npm start\` with a built tree (the median of ${STARTS} each)`)
  await startCases()
}
// Minutes of generated data: only when asked for (`npm run bench -- growth`).
if (sections.includes('growth')) {
  console.log('\nThe same requests on a national database of seven years and on one of a district')
  mkdirSync(DATA, { recursive: true })
  await growthCases(DATA, row, SECONDS)
}
if (!['export', 'reads', 'puts'].some(wants)) {
  console.table(rows)
  process.exit(0)
}
prepareDatabase()
const token = npm(['token', '--', 'create', '--role', 'admin', '--label', 'bench'], { DATABASE_PATH: RUN })
  .trim()
  .split('\n')
  .at(-1)!
const serviceEnv = { DATABASE_PATH: RUN, LOG_LEVEL: 'warn', WRITE_LIMIT_PER_MINUTE: '100000000' }

let bare: Server | undefined
let service: Server | undefined
try {
  service = await startServer(SERVICE, serviceEnv, 0, '/readyz')
  const sample = join(DATA, 'district-aggregate.json')
  const answer = await fetch(`${service.url}/v1/aggregates/${DISTRICT}/${YEAR}`)
  writeFileSync(sample, Buffer.from(await answer.arrayBuffer()))
  // The same headers too: same bytes out means the whole answer, not only its body.
  const sampleHeaders = join(DATA, 'district-aggregate.headers.json')
  const perConnection = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])
  writeFileSync(
    sampleHeaders,
    JSON.stringify(Object.fromEntries([...answer.headers].filter(([name]) => !perConnection.has(name))))
  )
  const bareDatabase = join(DATA, 'bare-store.sqlite')
  for (const suffix of ['', '-wal', '-shm']) rmSync(bareDatabase + suffix, { force: true })
  bare = await startServer(
    'bench/bare-server.ts',
    { BARE_BODY_FILE: sample, BARE_HEADERS_FILE: sampleHeaders, BARE_DATABASE_PATH: bareDatabase },
    0,
    '/bare'
  )

  // ── Export first, on a fresh process, so that its peak memory is its own ──────────────
  if (wants('export')) await exportCase(service)

  // ── Reads ──────────────────────────────────────────────────────────────────────────────
  const bareGet = await load({ url: `${bare.url}/bare`, seconds: SECONDS, connections: 10 })
  row('bare Fastify GET (yardstick)', { rps: bareGet.rps, p50: bareGet.p50, p99: bareGet.p99 })
  if (wants('reads')) await readCases(service, bare, bareGet.rps)
  if (wants('puts')) await putCases(service, bare)
} finally {
  await service?.stop()
  await bare?.stop()
}

async function exportCase(service: Server) {
  const before = rssMb(service.pid)
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(service.pid))), 20)
  const started = performance.now()
  const response = await fetch(`${service.url}/v1/exports/cells.csv?year=${YEAR}`)
  let bytes = 0
  for await (const chunk of response.body!) bytes += (chunk as Uint8Array).length
  clearInterval(sampler)
  row('export cells.csv, every report of a year', {
    MB: Math.round(bytes / 2 ** 20),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    rssBeforeMB: before,
    peakRssMB: peak,
    target: 'peak RSS < 200 MB'
  })
}

async function readCases(service: Server, bare: Server, bareRps: number) {
  const connections = 10
  // same-bytes: the very bytes of the district aggregate, sent from memory by a bare route.
  const { yardstick: bareSized, subject: district } = await inTurns(
    ROUNDS,
    () => load({ url: `${bare.url}/bare-sized`, seconds: SECONDS, connections }),
    () => load({ url: `${service.url}/v1/aggregates/${DISTRICT}/${YEAR}`, seconds: SECONDS, connections })
  )
  row('same-bytes: bare Fastify GET of the district aggregate’s bytes (yardstick)', {
    rps: bareSized.rps,
    p50: bareSized.p50,
    p99: bareSized.p99
  })

  row(`district aggregate ${DISTRICT}`, {
    rps: district.rps,
    p50: district.p50,
    p99: district.p99,
    errors: district.errors + district.non2xx,
    vsBare: ratio(district.rps, bareRps),
    vsSameBytes: ratio(district.rps, bareSized.rps),
    target: '≥ 80% of same-bytes'
  })

  // Dashboards poll the same aggregate; a changed database invalidates the cached answer. Also
  // measured with a write between requests, i.e. computed from the rollups every time.
  const sum = handWrittenSum()
  const national = await load({ url: `${service.url}/v1/aggregates/cn/${YEAR}`, seconds: SECONDS, connections: 1 })
  row('national aggregate cn (one client)', {
    reports: sum.reports,
    p50ms: national.p50,
    handWrittenSumMs: sum.medianMs,
    errors: national.errors + national.non2xx,
    target: 'p50 ≤ hand-written SUM'
  })

  const [alongside] = await Promise.all([
    load({ url: `${service.url}/v1/aggregates/${DISTRICT}/${YEAR}`, seconds: SECONDS, connections }),
    load({ url: `${service.url}/v1/aggregates/cn/${YEAR}`, seconds: SECONDS, connections: 4 })
  ])
  row('district aggregate while national ones run', {
    p99Alone: district.p99,
    p99Alongside: alongside.p99,
    ratio: Number((alongside.p99 / Math.max(1, district.p99)).toFixed(2)),
    target: '≤ 2× alone'
  })
  const [alongsideChildren] = await Promise.all([
    load({ url: `${service.url}/v1/aggregates/${DISTRICT}/${YEAR}`, seconds: SECONDS, connections }),
    load({ url: `${service.url}/v1/aggregates/cn/${YEAR}?groupBy=child`, seconds: SECONDS, connections: 4 })
  ])
  row('… and while the 31 provinces (cn?groupBy=child) run', {
    p99Alongside: alongsideChildren.p99,
    ratio: Number((alongsideChildren.p99 / Math.max(1, district.p99)).toFixed(2))
  })

  const coverage = await load({
    url: `${service.url}/v1/coverage/${DISTRICT}/${YEAR}?limit=100`,
    seconds: SECONDS,
    connections
  })
  row(`coverage ${DISTRICT}`, { rps: coverage.rps, p99: coverage.p99, vsBare: ratio(coverage.rps, bareRps) })
}

async function putCases(service: Server, bare: Server) {
  const connections = 10
  // The district's 24 townships × 3 years, three versions of a full report each, sent in turn:
  // every PUT stores a new revision (the first of each unit and year a new report). Each load
  // gets versions of its own, so that none sends what a unit holds already.
  const units = new Database(RUN, { readonly: true })
    .prepare("SELECT code FROM divisions WHERE level = 'township' AND code LIKE ? ORDER BY code")
    .pluck()
    .all(`${DISTRICT}%`) as string[]
  const sent = (load: number) =>
    [1, 2, 3].flatMap((v) =>
      [YEAR + 1, YEAR + 2, YEAR + 3].flatMap((year) => units.map((unit) => ({ variant: v + 3 * load, year, unit })))
    )
  const paths = sent(0).map(({ unit, year }) => `/v1/reports/${unit}/${year}`)
  const versions = (load: number) =>
    sent(load).map(({ variant, year, unit }) => {
      const random = seededRandom(variant * 7919 + year * 31 + Number(unit.slice(-4)))
      return JSON.stringify(sampleReport({ unit, year, template: 'gb2021', random }))
    })
  let loads = 0
  const bodies = versions(loads++)
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` }
  const barePut = await load({ url: `${bare.url}/bare`, method: 'PUT', seconds: SECONDS, connections, headers, bodies })
  row('bare Fastify PUT of the same body, 204, nothing stored', {
    rps: barePut.rps,
    p50: barePut.p50,
    p99: barePut.p99
  })
  // storage-floor: the same bodies parsed and inserted, one durable transaction each.
  const floorPaths = paths.map((path) => `/bare-store${path}`)
  const floorLoad = (seconds: number) =>
    load({ url: bare.url, method: 'PUT', seconds, connections, headers, bodies, paths: floorPaths })
  const putLoad = (seconds: number) =>
    load({ url: service.url, method: 'PUT', seconds, connections, headers, bodies: versions(loads++), paths })
  // Both warmed up first (the service's longer path is compiled by V8 as it runs), then measured
  // in turns, as the reads are.
  await floorLoad(2)
  await putLoad(2)
  const rssBeforePut = rssMb(service.pid)
  const { yardstick: floor, subject: puts } = await inTurns(
    ROUNDS,
    () => floorLoad(SECONDS),
    () => putLoad(SECONDS)
  )
  row('storage-floor: bare Fastify PUT parsing and inserting each body, WAL, synchronous=FULL (yardstick)', {
    rps: floor.rps,
    p50: floor.p50,
    p99: floor.p99,
    errors: floor.errors + floor.non2xx
  })
  row('PUT a full report (validate, rules, new revision, rollups)', {
    rps: puts.rps,
    p50: puts.p50,
    p99: puts.p99,
    errors: puts.errors + puts.non2xx,
    vsBare: ratio(puts.rps, barePut.rps),
    vsStorageFloor: ratio(puts.rps, floor.rps),
    rssMB: `${rssBeforePut} → ${rssMb(service.pid)} (peak ${rssMb(service.pid, 'VmHWM')})`,
    target: '≥ 50% of storage-floor, p99 ≤ 20 ms'
  })

  // While townships submit, every write changes the data: aggregates are computed afresh each time.
  const [, nationalDuringPuts] = await Promise.all([
    load({
      url: service.url,
      method: 'PUT',
      seconds: SECONDS,
      connections,
      headers,
      bodies: versions(loads++).reverse(),
      paths: [...paths].reverse()
    }),
    load({ url: `${service.url}/v1/aggregates/cn/${YEAR}`, seconds: SECONDS, connections: 1 })
  ])
  row('national aggregate while PUTs run (computed from rollups each time)', {
    p50ms: nationalDuringPuts.p50,
    p99ms: nationalDuringPuts.p99,
    handWrittenSumMs: handWrittenSum().medianMs,
    errors: nationalDuringPuts.errors + nationalDuringPuts.non2xx
  })
}

/**
 * Spawns `command` on an empty database, returns the milliseconds until /readyz answers and the
 * `database ready` line's own `ms` (migrations, registry seeded and loaded), then stops it.
 */
async function timeToReady(command: string, args: string[]): Promise<{ readyMs: number; databaseMs: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'ogi-start-'))
  const port = await freePort()
  const started = performance.now()
  const child = spawn(command, args, {
    env: { ...process.env, DATABASE_PATH: join(directory, 'empty.sqlite'), PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true // npm start runs the server as its child: the group is stopped
  })
  let log = ''
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`)
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error(`${command} did not start within a minute`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const readyMs = Math.round(performance.now() - started)
    const line = log.split('\n').find((l) => l.includes('"database ready"'))
    return { readyMs, databaseMs: line ? (JSON.parse(line) as { ms: number }).ms : NaN }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(-child.pid!, 'SIGTERM')
    await exited
    rmSync(directory, { recursive: true, force: true })
  }
}

/** The median and range of `STARTS` starts of `command`. */
async function startsOf(command: string, args: string[]) {
  const runs: Array<{ readyMs: number; databaseMs: number }> = []
  for (let i = 0; i < STARTS; i++) runs.push(await timeToReady(command, args))
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b)
  const ready = sorted(runs.map((r) => r.readyMs))
  const database = sorted(runs.map((r) => r.databaseMs))
  const middle = Math.floor(STARTS / 2)
  return {
    readyMs: ready[middle]!,
    readyRangeMs: `${ready[0]}–${ready.at(-1)}`,
    databaseMs: database[middle]!
  }
}

async function startCases() {
  const first = await startsOf(process.execPath, [...SERVICE_FLAGS, SERVICE])
  row('first start on an empty database (migrate, seed the registry)', {
    databaseReadyMs: first.databaseMs,
    toReadyzMs: first.readyMs,
    rangeMs: first.readyRangeMs,
    target: '< 1 s to /readyz'
  })
  const npmStart = await startsOf('npm', ['start', '-s'])
  row('`npm start` with a built tree (no compile), to /readyz', {
    toReadyzMs: npmStart.readyMs,
    rangeMs: npmStart.readyRangeMs,
    target: '< 3 s'
  })
}

console.log('\nSummary')
console.table(rows)

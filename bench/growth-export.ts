// `npm run bench -- growth-export`: a year's export on a database of that year alone and on one of
// seven years (every township of the country, demo data, generated once into bench/.data), each
// against the yardstick (bench/export-floor.ts: one plain SELECT streamed as the same CSV) in the
// same run. Targets: seven-year time ≤ 1.2 × one-year; throughput ≥ half the yardstick's; server
// peak RSS < 200 MB. Also a province, a district and NDJSON, which must not scan the whole table.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { rssMb, startServer, type Server } from './harness.js'

const YEAR = 2025
const YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025]

function database(dataDir: string, years: number[]): string {
  const path = join(dataDir, `growth-${years[0]}${years.length > 1 ? `-${years.at(-1)}` : ''}.sqlite`)
  if (!existsSync(path)) {
    console.log(`generating ${path} (every township, ${years.join(', ')}; minutes, once)…`)
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/seed-demo.ts', '--years', years.join(','), '--scale', 'national'],
      {
        env: { ...process.env, DATABASE_PATH: path },
        stdio: 'inherit'
      }
    )
  }
  return path
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

export async function growthExportCases(
  dataDir: string,
  row: (name: string, figures: Record<string, string | number>) => void
) {
  const measured: Record<string, { seconds: number; MBps: number }> = {}
  for (const [label, years] of [
    ['one year', [YEAR]],
    ['seven years', YEARS]
  ] as const) {
    const path = database(dataDir, [...years])
    const floor = await startServer('bench/export-floor.ts', { DATABASE_PATH: path }, 3905, '/ready')
    let yardstick
    try {
      yardstick = await download(floor, `${floor.url}/cells.csv?year=${YEAR}`)
    } finally {
      await floor.stop()
    }
    row(`yardstick: plain SELECT → csv-stringify, cells.csv ${YEAR} (${label} in the database)`, yardstick)
    // A fresh service for each database, so that its peak memory is the export's own.
    const service = await startServer('dist/server.js', { DATABASE_PATH: path, LOG_LEVEL: 'warn' }, 3907, '/readyz')
    try {
      const national = await download(service, `${service.url}/v1/exports/cells.csv?year=${YEAR}`)
      measured[label] = national
      row(`cells.csv ${YEAR}, the whole country (${label} in the database)`, {
        ...national,
        vsYardstick: `${Math.round((national.MBps / yardstick.MBps) * 100)}%`,
        target: 'throughput ≥ 50% of the yardstick, peak RSS < 200 MB'
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

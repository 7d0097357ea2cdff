// npm run seed:demo -- --years 2020,2021 [--scale national | district:350803]
// Fills the database of DATABASE_PATH with rule-consistent demo reports for every township of
// the scale (default district:350803): gb2019 up to 2020, gb2021 after, a realistic share
// missing, late, draft or returned. Units that already have a report for a year are left alone.
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { timelinessOf } from '../db/repositories/reports.js'
import { seedDivisions } from '../db/seed-divisions.js'
import { defaultDeadline } from '../domain/deadlines.js'
import type { Report } from '../domain/report.js'
import { evaluateRules } from '../domain/rules.js'
import { FIRST_REPORT_YEAR } from '../domain/templates.js'
import { demoSubmission } from '../domain/sample-report.js'
import { beijingYear } from '../domain/time.js'
import { createRepositories } from '../plugins/db.js'
import { signaturesOf } from '../services/submissions.js'

const USAGE = 'usage: npm run seed:demo -- --years 2020,2021 [--scale national | district:<division code>]'

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

const { values } = parseArgs({
  options: { years: { type: 'string', default: '2020,2021' }, scale: { type: 'string', default: 'district:350803' } }
})
const years = values.years.split(',').map(Number)
if (years.some((y) => !Number.isInteger(y) || y < FIRST_REPORT_YEAR || y > beijingYear(new Date())))
  fail(`--years must list report years from ${FIRST_REPORT_YEAR} to this year`)
const scale = values.scale
const under = scale === 'national' ? '' : /^district:(\d{2}|\d{4}|\d{6})$/.exec(scale)?.[1]
if (under === undefined) fail('--scale must be national or district:<code of a province, city or district>')

const started = performance.now()
const connection = openDatabase(loadConfig().databasePath)
const repos = createRepositories(connection)
seedDivisions(repos.divisions)
const townships = connection.sqlite
  .prepare("SELECT code FROM divisions WHERE level = 'township' AND code LIKE ? ORDER BY code")
  .pluck()
  .all(`${under}%`) as string[]
if (townships.length === 0) fail(`no townships under ${under}`)

const context = { actor: null, requestId: 'seed-demo', clientAddress: 'local' }
let added = 0
let previous = new Map<string, Report>()
for (const year of [...years].sort()) {
  const deadline = defaultDeadline(year)
  const current = new Map<string, Report>()
  const batch = []
  for (const unit of townships) {
    const demo = demoSubmission(unit, year, previous.get(unit))
    if (!demo) continue
    current.set(unit, demo.report)
    const { errors, warnings } = evaluateRules({ report: demo.report, previous: previous.get(unit) })
    const signatures = signaturesOf(demo.report)
    batch.push({
      report: demo.report,
      status: demo.status,
      firstSubmittedAt: demo.firstSubmittedAt,
      timeliness: timelinessOf(demo.firstSubmittedAt, deadline),
      errors,
      warnings,
      at: demo.firstSubmittedAt ?? new Date(`${year + 1}-01-20T10:00:00+08:00`),
      signatures
    })
  }
  for (let i = 0; i < batch.length; i += 5000) added += repos.bulk.insert(batch.slice(i, i + 5000), context)
  previous = current
}
repos.rollups.rebuild()
connection.sqlite.pragma('wal_checkpoint(TRUNCATE)')
connection.sqlite.close()
console.log(
  `added ${added} reports for ${townships.length} townships under ${under || 'the whole country'} in ` +
    `${years.join(', ')} ` +
    `(${((performance.now() - started) / 1000).toFixed(1)} s)`
)

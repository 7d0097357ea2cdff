// npm run import -- [--commit] FILE…
// Reads published reports (.html/.htm as HTML, anything else as the page's text) and prints one
// line per file: unit, year, template, cells found of expected, errors, warnings. With --commit
// each complete result is stored as a draft in the database of DATABASE_PATH.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { seedDivisions } from '../db/seed-divisions.js'
import { importReport } from '../domain/import/index.js'
import type { Report } from '../domain/report.js'
import { createRepositories } from '../plugins/db.js'
import { createSubmissions } from '../services/submissions.js'

const { values, positionals: files } = parseArgs({
  allowPositionals: true,
  options: { commit: { type: 'boolean', default: false } }
})
if (files.length === 0) {
  console.error('usage: npm run import -- [--commit] FILE…')
  process.exit(2)
}

const connection = openDatabase(loadConfig().databasePath)
const repos = createRepositories(connection)
seedDivisions(repos.divisions)
const submissions = createSubmissions(repos, () => new Date())
let failed = 0
for (const file of files) {
  try {
    const kind = /\.html?$/i.test(file) ? 'html' : 'text'
    const result = importReport(readFileSync(file, 'utf8'), kind, repos.divisions, { fileName: file })
    const { report, parse } = result
    const complete = report.unit !== undefined && report.year !== undefined ? (report as Report) : undefined
    const verdict = submissions.evaluatePage(result)
    let stored = ''
    if (values.commit && complete) {
      const submitted = submissions.submit(complete, {
        context: { actor: null, requestId: 'cli-import', clientAddress: 'local' }
      })
      stored = submitted.unchanged ? '\tunchanged' : `\tstored r${submitted.head.currentRevision}`
    }
    console.log(
      [
        file,
        report.unit ?? `unit? ${result.detected.candidates?.join('/') ?? ''}`.trim(),
        report.year ?? 'year?',
        report.template,
        `cells ${parse.cellsFound}/${parse.cellsExpected}`,
        `errors ${verdict.errors.length}`,
        `warnings ${verdict.warnings.length}`,
        ...(verdict.skipped.length > 0 ? [`skipped ${verdict.skipped.length}`] : [])
      ].join('\t') + stored
    )
  } catch (error) {
    failed++
    console.log(`${file}\tnot read: ${(error as Error).message}`)
  }
}
connection.sqlite.close()
process.exit(failed > 0 ? 1 : 0)

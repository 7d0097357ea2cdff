// npm run import -- [--commit] FILE|DIR…
// Reads published reports (HTML, text of any layout, PDF, Word .docx; folders walked for them)
// and prints one line per file: format, unit, year, template, cells read of expected, cells not
// found, errors, warnings; then a total. A progress bar runs on a terminal (stderr). With
// --commit each complete result is stored as a draft in the database of DATABASE_PATH. Exits 1
// when any file could not be read.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { SingleBar } from 'cli-progress'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { seedDivisions } from '../db/seed-divisions.js'
import { LEGACY_ADVICE, sniff, type PageFormat } from '../domain/import/formats.js'
import { completeImport, readFile, readPage, type PageReading } from '../domain/import/index.js'
import type { Report } from '../domain/report.js'
import { createRepositories } from '../plugins/db.js'
import { createSubmissions } from '../services/submissions.js'

const USAGE = 'usage: npm run import -- [--commit] FILE|DIR…'
/** What a folder is searched for. */
const EXTENSIONS = new Set(['.html', '.htm', '.txt', '.pdf', '.docx', '.doc', '.wps'])

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { commit: { type: 'boolean', default: false } }
})
if (positionals.length === 0) {
  console.error(USAGE)
  process.exit(2)
}

/** The files named, and those under the folders named (in name order). */
function filesOf(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path, { throwIfNoEntry: false })?.isDirectory()
      ? readdirSync(path, { recursive: true, encoding: 'utf8' })
          .filter((name) => EXTENSIONS.has(extname(name).toLowerCase()))
          .sort()
          .map((name) => join(path, name))
          .filter((file) => statSync(file).isFile())
      : [path]
  )
}

/** Reads a file as the format its first bytes or its name say. */
async function read(file: string): Promise<PageReading> {
  const bytes = readFileSync(file)
  const kind = sniff(bytes)
  if (kind === 'legacy' || /\.(doc|wps)$/i.test(file)) throw new Error(LEGACY_ADVICE)
  if (kind) return readFile(bytes, kind)
  const format: PageFormat =
    /\.html?$/i.test(file) || /^\s*<(!doctype|html)/i.test(bytes.toString('utf8', 0, 200)) ? 'html' : 'text'
  return readPage(bytes.toString('utf8'), format)
}

const files = filesOf(positionals)
const connection = openDatabase(loadConfig().databasePath)
const repos = createRepositories(connection)
seedDivisions(repos.divisions)
const submissions = createSubmissions(repos, () => new Date())
const progress = process.stderr.isTTY
  ? new SingleBar({ format: '{bar} {value}/{total} {file}', stream: process.stderr, clearOnComplete: true })
  : undefined
progress?.start(files.length, 0, { file: '' })
const total = { read: 0, failed: 0, found: 0, expected: 0, stored: 0 }
/** A line on stdout, under the progress bar. */
const say = (line: string) => {
  progress?.stop()
  console.log(line)
}

for (const [n, file] of files.entries()) {
  progress?.update(n, { file })
  try {
    const result = completeImport(await read(file), repos.divisions, { fileName: file })
    const { report, parse } = result
    const complete = report.unit !== undefined && report.year !== undefined ? (report as Report) : undefined
    const verdict = submissions.evaluatePage(result)
    let stored = ''
    if (values.commit && complete) {
      const submitted = submissions.submit(complete, {
        context: { actor: null, requestId: 'cli-import', clientAddress: 'local' }
      })
      stored = submitted.unchanged ? '\tunchanged' : `\tstored r${submitted.head.currentRevision}`
      if (!submitted.unchanged) total.stored++
    }
    total.read++
    total.found += parse.cellsFound
    total.expected += parse.cellsExpected
    say(
      [
        file,
        result.detected.format,
        report.unit ?? `unit? ${result.detected.candidates?.join('/') ?? ''}`.trim(),
        report.year ?? 'year?',
        report.template,
        `cells ${parse.cellsFound}/${parse.cellsExpected}`,
        `not found ${parse.notFound.length}`,
        `errors ${verdict.errors.length}`,
        `warnings ${verdict.warnings.length}`,
        ...(verdict.skipped.length > 0 ? [`skipped ${verdict.skipped.length}`] : [])
      ].join('\t') + stored
    )
  } catch (error) {
    total.failed++
    say(`${file}\tnot read: ${(error as Error).message}`)
  }
  if (progress && n + 1 < files.length) progress.start(files.length, n + 1, { file })
}
progress?.stop()
console.log(
  `${files.length} files: ${total.read} read, ${total.failed} not read; ` +
    `cells ${total.found}/${total.expected}${values.commit ? `; ${total.stored} stored` : ''}`
)
connection.sqlite.close()
process.exit(total.failed > 0 || files.length === 0 ? 1 : 0)

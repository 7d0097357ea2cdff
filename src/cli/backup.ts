// npm run backup -- FILE
// An online, consistent copy of the database of DATABASE_PATH while the service keeps serving:
// SQLite's backup API copying every page in one step (one read transaction, so writers carry on
// and the copy is a snapshot). The copy is checked with PRAGMA integrity_check.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import Database from 'better-sqlite3'
import { loadConfig } from '../config.js'

const target = process.argv[2]
if (!target) {
  console.error('usage: npm run backup -- FILE')
  process.exit(2)
}
if (existsSync(target)) {
  console.error(`${target} exists; choose a new file`)
  process.exit(2)
}
const source = loadConfig().databasePath
if (source === ':memory:' || !existsSync(source)) {
  console.error(`no database at ${source} (DATABASE_PATH)`)
  process.exit(2)
}

const started = performance.now()
const db = new Database(source, { readonly: true, fileMustExist: true })
db.pragma('busy_timeout = 5000')
try {
  await db.backup(resolve(target), { progress: ({ totalPages }) => totalPages })
} finally {
  db.close()
}
const copy = new Database(target, { readonly: true })
const integrity = copy.pragma('integrity_check', { simple: true })
const reports = (copy.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n
copy.close()
if (integrity !== 'ok') {
  console.error(`the copy failed its integrity check: ${String(integrity)}`)
  process.exit(1)
}
console.log(
  `backed up ${source} to ${target}: ${reports} reports, integrity ok, ${Math.round(performance.now() - started)} ms`
)

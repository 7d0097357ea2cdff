// Opening the SQLite database: the file, its pragmas, Drizzle on top, and the migrations.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.js'

/** Drizzle over the connection; `$client` is the connection itself, for the raw statements of hot paths. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

export interface Connection {
  sqlite: Database.Database
  db: Db
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations')

/**
 * Opens (creating if needed) the database at `path`, or an in-memory one for `:memory:`.
 * WAL lets readers run beside the writer; synchronous=FULL makes every acknowledged commit
 * durable across power loss, not only across a crash of the process.
 */
export function openDatabase(path: string): Connection {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true })
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  return { sqlite, db }
}

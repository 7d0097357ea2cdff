// How a connection learns that the database has changed: two plain statements, read by the
// caches kept beside it (the rollups' data version, the peers' heads).
import type Database from 'better-sqlite3'

/**
 * `others` moves when another connection commits (PRAGMA data_version, ~4 µs: the plain pragma,
 * since the pragma_data_version table function costs half as much again); `own` when this
 * connection writes (total_changes(), a tenth of a microsecond).
 */
export function changeCounters(sqlite: Database.Database): { others: () => number; own: () => number } {
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck()
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck()
  return { others: () => dataVersion.get() as number, own: () => totalChanges.get() as number }
}

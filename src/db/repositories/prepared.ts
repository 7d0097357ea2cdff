// Statements prepared once, for the writes made on every request: Drizzle builds and SQLite
// prepares a query per call otherwise, which cost about as much as the rest of a PUT's write.
import { sql } from 'drizzle-orm'

/**
 * The values of a prepared insert or update, a placeholder per column key, to be typed as the
 * table's insert row (`T`). Drizzle encodes a placeholder's value with its column (a Date to
 * milliseconds, an object to JSON text) but cannot encode null: the nullable columns named in
 * `raw` take their value as the driver stores it (milliseconds, JSON text, or null), as do the
 * columns whose value the caller has encoded already (a revision's body, its canonical JSON).
 */
export function placeholders<T>(keys: readonly string[], raw: readonly string[] = []): T {
  return Object.fromEntries(
    keys.map((key) => [key, raw.includes(key) ? sql`${sql.placeholder(key)}` : sql.placeholder(key)])
  ) as unknown as T
}

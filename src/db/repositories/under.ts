// Division codes nest: every division under 350803 has a code starting with 350803.
import { and, gte, lt, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'

/** `column` holds the code of `code` or of a division under it: a half-open range the index serves. */
export function underCode(column: SQLiteColumn, code: string): SQL {
  const next = String(BigInt(code) + 1n).padStart(code.length, '0')
  return and(gte(column, code), lt(column, next)) as SQL
}

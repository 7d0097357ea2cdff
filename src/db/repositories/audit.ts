// The audit trail: one row per write, appended inside the write's own transaction.
import { and, desc, eq, gte, lt, lte } from 'drizzle-orm'
import type { Actor } from '../../domain/access.js'
import type { Db } from '../connection.js'
import { auditLog } from '../schema.js'
import { keysetPage } from './paging.js'
import { underCode } from './under.js'

/** Who asked, from where, under which request id: what every write records. */
export interface RequestContext {
  actor: Actor | null
  requestId: string
  clientAddress: string
}

/** Who made a write: the token and its role, or nulls. */
const actorOf = (context: RequestContext) => ({
  tokenId: context.actor?.tokenId ?? null,
  role: context.actor?.role ?? null
})

/** Who made a write, as the columns every append-only table records it in. */
export function actorColumns(context: RequestContext): { byTokenId: string | null; byRole: string | null } {
  const { tokenId, role } = actorOf(context)
  return { byTokenId: tokenId, byRole: role }
}

export interface AuditEntry {
  action: string
  target: string
  divisionCode: string | null
  detail: Record<string, unknown>
}

export type AuditRow = typeof auditLog.$inferSelect

/** The row of an audit entry. */
const auditValues = (context: RequestContext, entry: AuditEntry, at: Date) => ({
  at,
  ...actorOf(context),
  ...entry,
  requestId: context.requestId,
  clientAddress: context.clientAddress
})

/** Appends an entry with `db`, which is the caller's transaction. */
export function appendAudit(db: Pick<Db, 'insert'>, context: RequestContext, entry: AuditEntry, at: Date): void {
  db.insert(auditLog)
    .values(auditValues(context, entry, at))
    .run()
}

/**
 * appendAudit as a raw statement prepared once, for the writes made on every request (a PUT):
 * run inside the caller's transaction, since a connection has one.
 */
export function preparedAudit(db: Db): (context: RequestContext, entry: AuditEntry, at: Date) => void {
  const insert = db.$client.prepare(
    `INSERT INTO audit_log (at, token_id, role, action, target, division_code, detail, request_id, client_address)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  return (context, entry, at) => {
    const { tokenId, role } = actorOf(context)
    insert.run(
      at.getTime(),
      tokenId,
      role,
      entry.action,
      entry.target,
      entry.divisionCode,
      JSON.stringify(entry.detail),
      context.requestId,
      context.clientAddress
    )
  }
}

export interface AuditFilter {
  /** Only entries about this division and what is under it. */
  under?: string | undefined
  action?: string | undefined
  tokenId?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
}

export function createAuditRepository(db: Db) {
  return {
    /** Newest first, after the id of the last entry of the previous page. */
    list(filter: AuditFilter, limit: number, beforeId?: number): { rows: AuditRow[]; next: number | null } {
      const rows = db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.under ? underCode(auditLog.divisionCode, filter.under) : undefined,
            filter.action ? eq(auditLog.action, filter.action) : undefined,
            filter.tokenId ? eq(auditLog.tokenId, filter.tokenId) : undefined,
            filter.from ? gte(auditLog.at, filter.from) : undefined,
            filter.to ? lte(auditLog.at, filter.to) : undefined,
            beforeId !== undefined ? lt(auditLog.id, beforeId) : undefined
          )
        )
        .orderBy(desc(auditLog.id))
        .limit(limit + 1)
        .all()
      return keysetPage(rows, limit, (row) => row.id)
    }
  }
}

export type AuditRepository = ReturnType<typeof createAuditRepository>

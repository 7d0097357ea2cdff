// Bearer tokens: creation and revocation (each audited in its own transaction), look-up, and
// the last-used time.
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { Role } from '../../domain/access.js'
import type { Db } from '../connection.js'
import { tokens } from '../schema.js'
import { appendAudit, type RequestContext } from './audit.js'
import { placeholders } from './prepared.js'

export type TokenRow = typeof tokens.$inferSelect

/** last_used_at is written at most this often per token, so that reads do not become writes. */
const TOUCH_INTERVAL_MS = 60_000

export function createTokensRepository(db: Db) {
  // Read on every authenticated request: prepared once.
  const byId = db
    .select()
    .from(tokens)
    .where(eq(tokens.id, sql.placeholder('id')))
    .prepare()
  const touchQuery = db
    .update(tokens)
    .set(placeholders<Partial<TokenRow>>(['lastUsedAt'], ['lastUsedAt']))
    .where(
      and(
        eq(tokens.id, sql.placeholder('id')),
        or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, sql`${sql.placeholder('before')}`))
      )
    )
    .prepare()
  /** When this process last wrote each token's last_used_at: no statement at all in between. */
  const touched = new Map<string, number>()

  return {
    get(id: string): TokenRow | undefined {
      return byId.get({ id })
    },

    list(): TokenRow[] {
      return db.select().from(tokens).orderBy(desc(tokens.createdAt), desc(tokens.id)).all()
    },

    create(
      token: { id: string; secretHash: string; role: Role; scope: string | null; label: string | null },
      context: RequestContext,
      at: Date
    ): TokenRow {
      return db.transaction((tx) => {
        const row = tx
          .insert(tokens)
          .values({ ...token, createdAt: at, createdBy: context.actor?.tokenId ?? null })
          .returning()
          .get()
        appendAudit(
          tx,
          context,
          {
            action: 'token.create',
            target: token.id,
            divisionCode: token.scope,
            detail: { role: token.role, scope: token.scope, label: token.label }
          },
          at
        )
        return row
      })
    },

    /** Revokes a token; returns undefined when there is none, the row as it was when already revoked. */
    revoke(id: string, context: RequestContext, at: Date): TokenRow | undefined {
      return db.transaction((tx) => {
        const row = tx.select().from(tokens).where(eq(tokens.id, id)).get()
        if (!row || row.revokedAt) return row
        const revoked = tx.update(tokens).set({ revokedAt: at }).where(eq(tokens.id, id)).returning().get()
        appendAudit(
          tx,
          context,
          { action: 'token.revoke', target: id, divisionCode: row.scope, detail: { role: row.role } },
          at
        )
        return revoked
      })
    },

    touch(id: string, at: Date): void {
      const now = at.getTime()
      if (now - (touched.get(id) ?? -Infinity) < TOUCH_INTERVAL_MS) return
      touched.set(id, now)
      touchQuery.run({ id, lastUsedAt: now, before: now - TOUCH_INTERVAL_MS })
    }
  }
}

export type TokensRepository = ReturnType<typeof createTokensRepository>

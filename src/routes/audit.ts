// The audit trail: every write, newest first. Admins see all; a district sees what concerns
// the divisions under it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { covers } from '../domain/access.js'
import { toBeijingIso } from '../domain/time.js'
import { Forbidden } from '../errors.js'
import { AuditList, AuditQuery } from '../schemas/access.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { by } from './present.js'

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit',
    {
      config: { access: { roles: ['district', 'admin'] } },
      schema: {
        operationId: 'listAudit',
        tags: ['access'],
        summary: 'The audit trail of writes, newest first',
        querystring: AuditQuery,
        response: { 200: AuditList }
      }
    },
    async (request) => {
      const { limit, cursor, from, to, ...filter } = request.query
      const actor = request.actor!
      if (filter.under && !covers(actor, filter.under))
        throw new Forbidden(`The token's scope (${actor.scope}) does not include ${filter.under}`)
      const under = filter.under ?? (actor.role === 'admin' ? undefined : (actor.scope ?? undefined))
      const page = app.repos.audit.list(
        { ...filter, under, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        limit,
        cursor ? decodeCursor(cursor, ['number'] as const)[0] : undefined
      )
      return {
        items: page.rows.map((row) => ({
          id: row.id,
          at: toBeijingIso(row.at),
          by: by({ byTokenId: row.tokenId, byRole: row.role }),
          action: row.action,
          target: row.target,
          divisionCode: row.divisionCode,
          detail: row.detail as Record<string, unknown>,
          requestId: row.requestId,
          clientAddress: row.clientAddress
        })),
        nextCursor: page.next === null ? null : encodeCursor([page.next])
      }
    }
  )
}

export default auditRoutes

// Tokens over HTTP, for admins: issue (the secret is shown once), list, revoke; and for any token,
// what it is (the entry and review pages ask, to offer the townships it may write).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TokenRow } from '../db/repositories/tokens.js'
import { toBeijingIso } from '../domain/time.js'
import { TokenNotFound } from '../errors.js'
import { problemResponse } from '../plugins/errors.js'
import { CurrentToken, IssuedToken, TokenList, TokenParams, TokenRequest, TokenInfo } from '../schemas/access.js'
import { issueToken } from '../services/tokens.js'

const iso = (date: Date | null) => (date ? toBeijingIso(date) : null)

export const tokenInfo = (row: TokenRow) => ({
  id: row.id,
  role: row.role,
  scope: row.scope,
  label: row.label,
  createdAt: toBeijingIso(row.createdAt),
  createdBy: row.createdBy,
  lastUsedAt: iso(row.lastUsedAt),
  revokedAt: iso(row.revokedAt)
})

const adminOnly = { access: { roles: ['admin'] as const } }

const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/tokens',
    {
      config: adminOnly,
      bodyLimit: 4 * 1024,
      schema: {
        operationId: 'createToken',
        tags: ['access'],
        summary: 'Issue a token (the secret is in this response only)',
        body: TokenRequest,
        response: { 201: IssuedToken, 422: problemResponse('The scope is unknown or does not suit the role') }
      }
    },
    async (request, reply) => {
      const { row, token } = issueToken(app.repos, request.body, request.requestContext(), app.now())
      reply.code(201).header('cache-control', 'no-store')
      return { ...tokenInfo(row), token }
    }
  )

  app.get(
    '/tokens',
    {
      config: adminOnly,
      schema: {
        operationId: 'listTokens',
        tags: ['access'],
        summary: 'Every token, newest first (never a secret)',
        response: { 200: TokenList }
      }
    },
    async () => ({ items: app.repos.tokens.list().map(tokenInfo) })
  )

  app.get(
    '/tokens/current',
    {
      config: { access: { roles: ['unit', 'district', 'admin'], read: true } },
      schema: {
        operationId: 'getCurrentToken',
        tags: ['access'],
        summary: "The caller's own token: role, scope and the scope's division (never the secret)",
        response: { 200: CurrentToken }
      }
    },
    async (request, reply) => {
      const row = app.repos.tokens.get(request.actor!.tokenId)!
      const division = row.scope ? app.repos.divisions.get(row.scope) : undefined
      reply.header('cache-control', 'no-store')
      return {
        ...tokenInfo(row),
        division: division ? { code: division.code, name: division.name, level: division.level } : null
      }
    }
  )

  app.delete(
    '/tokens/:id',
    {
      config: adminOnly,
      schema: {
        operationId: 'revokeToken',
        tags: ['access'],
        summary: 'Revoke a token',
        params: TokenParams,
        response: { 200: TokenInfo }
      }
    },
    async (request) => {
      const row = app.repos.tokens.revoke(request.params.id, request.requestContext(), app.now())
      if (!row) throw new TokenNotFound(request.params.id)
      return tokenInfo(row)
    }
  )
}

export default tokenRoutes

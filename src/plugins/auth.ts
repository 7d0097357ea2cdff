// Authentication and authorisation in one place. A route that writes declares
// `config: { access: { roles, scope } }`; this plugin then requires a bearer token with one of
// those roles whose scope covers the division the request touches, limits its rate, and
// documents all of it in the OpenAPI. Reads take an optional token (drafts need one).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import {
  covers,
  parseToken,
  secretMatches,
  visibilityOf,
  type Actor,
  type Role,
  type Visibility
} from '../domain/access.js'
import type { RequestContext } from '../db/repositories/audit.js'
import { Forbidden, InvalidToken, RateLimited, Unauthenticated } from '../errors.js'
import { problemResponse } from './errors.js'

export interface AccessRule {
  roles: readonly Role[]
  /** The division code the request acts on, read from its (validated) parameters. */
  scope?: (request: FastifyRequest) => string
  /** When the rule applies, if not always (e.g. an import only when it stores its result). */
  when?: (request: FastifyRequest) => boolean
  /** A read that takes a token (the review queue): not counted against the token's writes a minute. */
  read?: boolean
}

/**
 * A path or query parameter of the request as a string ('' when absent), for a rule's scope
 * or condition: the check runs as a preHandler, after the route's schema has checked it.
 */
export function requestValue(where: 'params' | 'query', name: string): (request: FastifyRequest) => string {
  return (request) => {
    const value = (request[where] as Record<string, unknown> | undefined)?.[name]
    return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value)
  }
}

const applies = (rule: AccessRule | undefined, request: FastifyRequest): rule is AccessRule =>
  rule !== undefined && (rule.when?.(request) ?? true)

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's identity, or null for an anonymous request. */
    actor: Actor | null
    /** Which drafts and returned reports the caller may see: decided here, consumed by routes and repositories. */
    readonly visibility: Visibility
    /** Who, under which request id and from which address: what a write records. */
    requestContext(): RequestContext
  }
  interface FastifyContextConfig {
    access?: AccessRule
    /** A public read whose answer shows drafts and returned reports to a token that covers them. */
    visibility?: true
  }
}

const CHALLENGE = 'Bearer realm="ogi-reports"'
const challenge = (error: string) => ({ 'www-authenticate': `${CHALLENGE}, error="${error}"` })
// RFC 6750 b64token characters; anything else (spaces, non-ASCII, control characters) is malformed.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/

export default fp(
  async function auth(
    app: FastifyInstance,
    options: { writeLimitPerMinute: number; authFailureLimitPerMinute: number }
  ) {
    const { tokens } = app.repos
    await app.register(rateLimit, { global: false })
    const failedAttempts = app.createRateLimit({ max: options.authFailureLimitPerMinute, timeWindow: 60_000 })
    const writes = app.createRateLimit({
      max: options.writeLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => request.actor?.tokenId ?? request.ip
    })

    app.decorateRequest('actor', null)
    app.decorateRequest('visibility', {
      getter(this: FastifyRequest) {
        return visibilityOf(this.actor)
      }
    })
    app.decorateRequest('requestContext', function (this: FastifyRequest) {
      return { actor: this.actor, requestId: this.id, clientAddress: this.ip }
    })

    function authenticate(header: string): Actor | undefined {
      const parsed = parseToken(BEARER.exec(header)?.[1] ?? '')
      if (!parsed) return undefined
      const row = tokens.get(parsed.id)
      if (!row || row.revokedAt || !secretMatches(parsed.secret, row.secretHash)) return undefined
      return { tokenId: row.id, role: row.role, scope: row.scope }
    }

    /**
     * Identifies the caller from the Authorization header; throws 401, or 429 once this address
     * has failed too often. A valid token is always accepted, whatever its address has sent: a
     * township office behind the same proxy or NAT as a misconfigured client is never locked out.
     * That costs nothing in safety, since a secret has 256 random bits (nothing to guess); the
     * limit is there to shed a scanner's load and to make it visible.
     */
    async function identify(request: FastifyRequest, header: string): Promise<void> {
      const actor = authenticate(header)
      if (!actor) {
        const limit = await failedAttempts(request)
        if (!limit.isAllowed && limit.isExceeded) {
          throw Object.assign(new RateLimited('Too many failed authentications from this address; wait a minute'), {
            headers: { 'retry-after': String(limit.ttlInSeconds) }
          })
        }
        throw Object.assign(new InvalidToken('The token is malformed, unknown or revoked'), {
          headers: challenge('invalid_token')
        })
      }
      request.actor = actor
      tokens.touch(actor.tokenId, app.now())
    }

    // Callback style with a synchronous fast path: most requests are anonymous public reads.
    app.addHook('onRequest', (request, _reply, done) => {
      const header = request.headers.authorization
      if (header !== undefined) {
        identify(request, header).then(() => done(), done)
      } else if (applies(request.routeOptions.config.access, request)) {
        done(
          Object.assign(new Unauthenticated('Send Authorization: Bearer <token>'), {
            headers: { 'www-authenticate': CHALLENGE }
          })
        )
      } else {
        done()
      }
    })

    /** After validation, so that malformed parameters are a 400 before any 403. */
    async function authorize(request: FastifyRequest): Promise<void> {
      const rule = request.routeOptions.config.access
      if (!applies(rule, request)) return
      const actor = request.actor!
      if (!rule.roles.includes(actor.role)) {
        throw new Forbidden(`A ${actor.role} token may not do this; it takes ${rule.roles.join(' or ')}`)
      }
      const code = rule.scope?.(request)
      if (code !== undefined && !covers(actor, code)) {
        throw new Forbidden(`The token's scope (${actor.scope}) does not include ${code}`)
      }
      if (rule.read) return
      const limit = await writes(request)
      if (!limit.isAllowed && limit.isExceeded) {
        throw Object.assign(new RateLimited(`At most ${limit.max} writes a minute per token`), {
          headers: { 'retry-after': String(limit.ttlInSeconds) }
        })
      }
    }

    // Routes that declare access get the check as their own preHandler, and the docs to match;
    // every other operation is documented as public, one that shows more to a token
    // (config.visibility) as taking one optionally.
    app.addHook('onRoute', (route) => {
      const rule = route.config?.access
      if (!rule) {
        if (!route.schema || route.schema.hide) return
        ;(route.schema as Record<string, unknown>).security = route.config?.visibility ? [{}, { bearerAuth: [] }] : []
        return
      }
      route.preHandler = [
        authorize,
        ...(Array.isArray(route.preHandler) ? route.preHandler : route.preHandler ? [route.preHandler] : [])
      ]
      if (route.schema?.hide) return
      const schema = (route.schema ??= {}) as Record<string, unknown>
      schema.security = [{ bearerAuth: [] }]
      const response = (schema.response ??= {}) as Record<string, unknown>
      response['401'] ??= problemResponse('No token, or a malformed, unknown or revoked one')
      response['403'] ??= problemResponse(
        `The token's role or scope does not allow this (roles: ${rule.roles.join(', ')})`
      )
      response['429'] ??= problemResponse(
        rule.read
          ? 'Too many failed authentications from this address'
          : 'Too many writes for this token, or failed authentications from this address'
      )
    })
  },
  { name: 'auth', dependencies: ['db'] }
)

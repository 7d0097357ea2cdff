// Issuing a token: the one operation the HTTP route and the CLI share.
import { newToken, scopeFits, type Role } from '../domain/access.js'
import type { RequestContext } from '../db/repositories/audit.js'
import type { Repositories } from '../plugins/db.js'
import { InvalidScope } from '../errors.js'

export interface TokenRequest {
  role: Role
  scope?: string | undefined
  label?: string | undefined
}

/** Checks the scope against the registry and the role, stores the hash, and returns the secret once. */
export function issueToken(
  repos: Pick<Repositories, 'divisions' | 'tokens'>,
  request: TokenRequest,
  context: RequestContext,
  at: Date
) {
  const division = request.scope === undefined ? undefined : repos.divisions.get(request.scope)
  if (request.scope !== undefined && !division) {
    throw Object.assign(new InvalidScope(`No division has the code ${request.scope}`), {
      errors: [{ in: 'body', pointer: '/scope', message: 'is not a division code in the registry' }]
    })
  }
  if (!scopeFits(request.role, division?.level)) {
    const need = { admin: 'no scope', unit: 'a township code', district: 'a province, city or district code' }[
      request.role
    ]
    throw Object.assign(new InvalidScope(`A ${request.role} token takes ${need}`), {
      errors: [{ in: 'body', pointer: '/scope', message: `must be ${need} for role ${request.role}` }]
    })
  }
  const { id, token, secretHash } = newToken()
  const row = repos.tokens.create(
    { id, secretHash, role: request.role, scope: request.scope ?? null, label: request.label ?? null },
    context,
    at
  )
  return { row, token }
}

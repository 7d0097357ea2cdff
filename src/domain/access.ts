// Who may do what: roles and scopes (api.md, Access), and the bearer token format. Pure apart
// from the randomness of a new token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const ROLES = ['unit', 'district', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** The identity a request acts with: the token, never its secret. */
export interface Actor {
  tokenId: string
  role: Role
  /** A township code for `unit`, any division code for `district`, null for `admin`. */
  scope: string | null
}

/** Whether the actor's scope includes the division `code` (a code is a prefix of its children's). */
export function covers(actor: Actor | null, code: string): boolean {
  if (!actor) return false
  if (actor.role === 'admin') return true
  if (actor.scope === null) return false
  return actor.role === 'unit' ? code === actor.scope : code.startsWith(actor.scope)
}

/**
 * Which reports that are not public (drafts, returned reports) a caller may see: none, those of
 * the townships under a code, or all of them. Submitted and accepted reports are public by law.
 */
export type Visibility = { kind: 'public' } | { kind: 'under'; code: string } | { kind: 'all' }

export function visibilityOf(actor: Actor | null): Visibility {
  if (!actor) return { kind: 'public' }
  if (actor.role === 'admin') return { kind: 'all' }
  return actor.scope === null ? { kind: 'public' } : { kind: 'under', code: actor.scope }
}

/** Whether the drafts and returned reports of everything under `code` (a unit, a division) are visible. */
export function seesPrivate(visibility: Visibility, code: string): boolean {
  return visibility.kind === 'all' || (visibility.kind === 'under' && code.startsWith(visibility.code))
}

/** A short stable key of a visibility, for caches of answers that depend on it. */
export const visibilityKey = (v: Visibility) => (v.kind === 'under' ? `under:${v.code}` : v.kind)

/** The level a role's scope must have: a unit is one township; a district may be any division. */
export function scopeFits(role: Role, level: string | undefined): boolean {
  if (role === 'admin') return level === undefined
  if (role === 'unit') return level === 'township'
  return level !== undefined && level !== 'township'
}

// A token is `<id>.<secret>`: the id finds the row, the secret is compared with its stored hash.
const TOKEN_PATTERN = /^(t_[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/

export function newToken(): { id: string; secret: string; token: string; secretHash: string } {
  const id = `t_${randomBytes(8).toString('hex')}`
  const secret = randomBytes(32).toString('base64url')
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) }
}

/** SHA-256 suffices for 256-bit random secrets: there is nothing to guess that a slow hash would protect. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(token)
  return match ? { id: match[1]!, secret: match[2]! } : undefined
}

/** Compares the presented secret with the stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex')
  const stored = Buffer.from(storedHash, 'hex')
  return presented.length === stored.length && timingSafeEqual(presented, stored)
}

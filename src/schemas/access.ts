// Token and audit schemas.
import { Type } from 'typebox'
import { ROLES } from '../domain/access.js'
import { Cursor, DivisionCode, Limit, NextCursor } from './common.js'

const Instant = Type.String({ format: 'date-time' })
const Role = Type.Enum([...ROLES], { errorMessage: 'must be unit, district or admin' })

export const TokenRequest = Type.Object(
  {
    role: Role,
    scope: Type.Optional({
      ...DivisionCode,
      description: 'unit: a township; district: a province, city or district; admin: none'
    }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Who or what the token is for' }))
  },
  { additionalProperties: false }
)

export const TokenInfo = Type.Object({
  id: Type.String({ description: 'Public identifier, e.g. t_8c3f1a2b4c5d6e7f' }),
  role: Role,
  scope: Type.Union([Type.String(), Type.Null()]),
  label: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Instant, Type.Null()], { description: 'Updated at most once a minute' }),
  revokedAt: Type.Union([Instant, Type.Null()])
})

export const IssuedToken = Type.Object({
  ...TokenInfo.properties,
  token: Type.String({ description: 'The secret, shown this once: send it as Authorization: Bearer <token>' })
})

export const TokenList = Type.Object({ items: Type.Array(TokenInfo) })

/** The caller's own token, with the division its scope names: what a page needs to offer its units. */
export const CurrentToken = Type.Object({
  ...TokenInfo.properties,
  division: Type.Union([Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }), Type.Null()], {
    description: 'The division of the scope; null for an admin token'
  })
})

export const TokenParams = Type.Object({
  id: Type.String({ pattern: '^t_[0-9a-f]{16}$', errorMessage: 'must be a token id' })
})

export const AUDIT_ACTIONS = [
  'report.revision',
  'report.review',
  'report.bulk',
  'deadline.set',
  'finding.explain',
  'token.create',
  'token.revoke'
] as const

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.Enum([...AUDIT_ACTIONS], { errorMessage: `must be one of ${AUDIT_ACTIONS.join(', ')}` })
    ),
    tokenId: Type.Optional(Type.String({ maxLength: 40 })),
    under: Type.Optional({ ...DivisionCode, description: 'Entries about this division and what is under it' }),
    from: Type.Optional(
      Type.String({ format: 'date-time', errorMessage: 'must be an ISO 8601 date-time with offset' })
    ),
    to: Type.Optional(Type.String({ format: 'date-time', errorMessage: 'must be an ISO 8601 date-time with offset' })),
    limit: Limit,
    cursor: Type.Optional(Cursor)
  },
  { additionalProperties: false }
)

export const AuditList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Instant,
      by: Type.Union([Type.Object({ tokenId: Type.String(), role: Type.String() }), Type.Null()]),
      action: Type.String(),
      target: Type.String(),
      divisionCode: Type.Union([Type.String(), Type.Null()]),
      detail: Type.Record(Type.String(), Type.Unknown()),
      requestId: Type.Union([Type.String(), Type.Null()]),
      clientAddress: Type.Union([Type.String(), Type.Null()])
    })
  ),
  nextCursor: NextCursor
})

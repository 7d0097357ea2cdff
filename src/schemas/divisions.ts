// Division registry schemas.
import { Type } from 'typebox'
import { Cursor, DivisionCode, Level, Limit, NextCursor } from './common.js'

export const DivisionRef = Type.Object({ code: Type.String(), name: Type.String(), level: Level })

export const DivisionSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Level,
  parentCode: Type.Union([Type.String(), Type.Null()])
})

export const Division = Type.Object({
  ...DivisionSummary.properties,
  path: Type.Array(DivisionRef, { description: 'From the province down to this division' })
})

export const DivisionList = Type.Object({
  items: Type.Array(DivisionSummary),
  total: Type.Integer({ description: 'How many divisions match, over every page' }),
  nextCursor: NextCursor
})

export const CodeParams = Type.Object({ code: DivisionCode })

export const PageQuery = Type.Object({ limit: Limit, cursor: Type.Optional(Cursor) }, { additionalProperties: false })

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 50,
        description: 'Part of the name, e.g. 峰市',
        errorMessage: 'must be 1 to 50 characters'
      })
    ),
    level: Type.Optional(Level),
    limit: Limit,
    cursor: Type.Optional(Cursor)
  },
  { additionalProperties: false }
)

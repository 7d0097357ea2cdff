// Schemas shared by many routes: the problem envelope, pagination, division codes, labels.
import { Type, type Static } from 'typebox'
import { CODE_LENGTHS, codePattern, DIVISION_LEVELS } from '../domain/divisions.js'
import { FIRST_REPORT_YEAR } from '../domain/templates.js'

/** A file's bytes, sent as they are (a document or a workbook). */
export const Binary = (description: string) => Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description })

export const Year = Type.Integer({
  minimum: FIRST_REPORT_YEAR,
  maximum: 9999,
  description: 'Report year (statistical period)',
  errorMessage: `must be a year from ${FIRST_REPORT_YEAR}`
})

export const Label = Type.Object({ zh: Type.String(), en: Type.String() }, { additionalProperties: false })

export const FieldIssue = Type.Object(
  {
    in: Type.Union([Type.Literal('body'), Type.Literal('query'), Type.Literal('path'), Type.Literal('header')]),
    pointer: Type.String({ description: 'JSON Pointer to the field (RFC 6901); for query and path, /name' }),
    message: Type.String()
  },
  { $id: 'FieldIssue', description: 'A field that does not match its schema' }
)

export const Violation = Type.Object(
  {
    rule: Type.String({ description: 'Rule id, e.g. E-REQ-BALANCE' }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    cells: Type.Array(Type.String(), { description: 'Every cell involved, as JSON Pointers' }),
    left: Type.Union([Type.Number(), Type.Null()]),
    right: Type.Union([Type.Number(), Type.Null()]),
    message: Label
  },
  { $id: 'Violation', description: 'A consistency rule (勾稽关系) the report breaks' }
)

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable UPPER_SNAKE code, e.g. VALIDATION, REPORT_INVALID' }),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Union([Type.Ref('FieldIssue'), Type.Ref('Violation')]), {
        description: 'Schema errors (400) or rule violations (422)'
      })
    )
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' }
)
export type ProblemT = Static<typeof Problem>

export const Level = Type.Enum(DIVISION_LEVELS, {
  description: DIVISION_LEVELS.map((level) => `${level} (${CODE_LENGTHS[level]}-digit code)`).join(', ')
})

/** Items for prose: a, b or c. */
const orList = (items: readonly string[]) => items.join(', ').replace(/, ([^,]+)$/, ' or $1')

/** The code lengths of the levels, for prose: 2, 4, 6 or 9. */
export const CODE_LENGTHS_TEXT = orList(DIVISION_LEVELS.map((level) => String(CODE_LENGTHS[level])))

export const DivisionCode = Type.String({
  pattern: codePattern(),
  description: `Official division code: ${orList(DIVISION_LEVELS.map((l) => `${CODE_LENGTHS[l]} (${l})`))} digits`,
  errorMessage: `must be a division code of ${CODE_LENGTHS_TEXT} digits`
})

export const TownshipCode = Type.String({
  pattern: codePattern(['township']),
  description: `A township code (${CODE_LENGTHS.township} digits)`,
  errorMessage: `must be a township code of ${CODE_LENGTHS.township} digits`
})

export const PAGE_LIMIT_MAX = 500
export const Limit = Type.Integer({
  minimum: 1,
  maximum: PAGE_LIMIT_MAX,
  default: 50,
  description: `Page size, at most ${PAGE_LIMIT_MAX}`,
  errorMessage: `must be an integer from 1 to ${PAGE_LIMIT_MAX}`
})
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "Opaque position from the previous page's nextCursor"
})
export const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Pass as cursor to read the next page; null when this page is the last'
})

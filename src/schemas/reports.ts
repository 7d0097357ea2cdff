// Report schemas, derived from the template definitions: the request body (a union
// discriminated by `template`) and the responses that carry a report.
import { Type, type Static, type TSchema } from 'typebox'
import { REPORT_STATUSES, SUBMITTABLE_STATUSES, type ReportInput } from '../domain/report.js'
import {
  APPEAL_COLUMNS,
  APPLICANT_COLUMNS,
  TEMPLATE_IDS,
  TEMPLATES,
  type CellType,
  type RowDef,
  type TemplateId
} from '../domain/templates.js'
import { Cursor, DivisionCode, Limit, NextCursor, TownshipCode, Year } from './common.js'
import { REPORT_EXAMPLE } from './report-example.js'

const CELL_SCHEMAS: Record<CellType, () => TSchema> = {
  count: () =>
    Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], {
      errorMessage: 'must be an integer ≥ 0 (at most 2^53 − 1), or null when not reported'
    }),
  signedCount: () =>
    Type.Union([Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], {
      errorMessage: 'must be an integer (negative for a decrease), or null when not reported'
    }),
  amount: () =>
    Type.Union([Type.Number({ minimum: 0, maximum: 1e15 }), Type.Null()], {
      errorMessage: 'must be a number ≥ 0, or null when not reported'
    })
}

/** A row of cells under the given columns, e.g. the seven applicant columns of 三. */
function countsSchema(
  id: string,
  columns: readonly { key: string; zh: string; en: string; type?: CellType }[],
  description: string
) {
  const properties: Record<string, TSchema> = {}
  for (const column of columns) {
    properties[column.key] = { ...CELL_SCHEMAS[column.type ?? 'count'](), description: `${column.zh} (${column.en})` }
  }
  return Type.Object(properties, { $id: id, additionalProperties: false, description })
}

export const ApplicantCounts = countsSchema(
  'ApplicantCounts',
  APPLICANT_COLUMNS,
  '三: a row of the seven applicant columns; null for a cell not reported'
)
export const AppealCounts = countsSchema('AppealCounts', APPEAL_COLUMNS, '四: the five result columns of one group')

function rowSchema(row: RowDef): TSchema {
  const described = { description: `${row.zh} (${row.en})` }
  if (row.columns === APPLICANT_COLUMNS) return Type.Ref('ApplicantCounts', described)
  if (row.columns === APPEAL_COLUMNS) return Type.Ref('AppealCounts', described)
  const properties: Record<string, TSchema> = {}
  for (const child of row.children ?? []) properties[child.key] = rowSchema(child)
  for (const column of row.columns ?? []) {
    properties[column.key] = { ...CELL_SCHEMAS[column.type ?? 'count'](), description: `${column.zh} (${column.en})` }
  }
  for (const [key, values] of Object.entries(row.enumFields ?? {})) {
    properties[key] = Type.Union([...values.map((v) => Type.Literal(v)), Type.Null()], {
      errorMessage: `must be one of ${values.join(', ')}, or null`
    })
  }
  return Type.Object(properties, { additionalProperties: false, description: `${row.zh} (${row.en})` })
}

const text = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], description ? { description } : {}))

export const ReportMeta = Type.Object(
  {
    title: text(500),
    organ: text(200, 'The organ that published the report'),
    documentNumber: text(100, '文号, e.g. 峰政〔2021〕1号'),
    publishedOn: Type.Optional(
      Type.Union([Type.String({ format: 'date', errorMessage: 'must be a date YYYY-MM-DD' }), Type.Null()], {
        errorMessage: 'must be a date YYYY-MM-DD, or null'
      })
    ),
    sourceUrl: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000, pattern: '^https?://' }), Type.Null()], {
        errorMessage: 'must be an http(s) URL, or null'
      })
    ),
    contact: Type.Optional(
      Type.Object(
        { address: text(300), postcode: text(20), phone: text(100), fax: text(100) },
        { additionalProperties: false }
      )
    )
  },
  { $id: 'ReportMeta', additionalProperties: false, description: 'About the published document; every field optional' }
)

export const Narrative = Type.Object(
  {
    overview: text(200_000, '一、总体情况'),
    problems: text(200_000, '五、存在的主要问题及改进情况'),
    other: text(200_000, '六、其他需要报告的事项')
  },
  { $id: 'Narrative', additionalProperties: false, description: 'The prose parts 一, 五 and 六' }
)

const Status = Type.Enum([...SUBMITTABLE_STATUSES], {
  default: 'submitted',
  description: 'draft: stored even with rule errors; submitted: refused (422) on any rule error'
})

/** The tables and identity of a report of one template: what a PUT body and a stored revision hold. */
function reportProperties(id: TemplateId) {
  const tables: Record<string, TSchema> = {}
  for (const table of TEMPLATES[id].tables) {
    tables[table.key] = rowSchema({ key: table.key, zh: table.zh, en: table.en, children: table.rows })
  }
  return {
    template: Type.Literal(id),
    meta: Type.Optional(Type.Ref('ReportMeta')),
    narrative: Type.Optional(Type.Ref('Narrative')),
    ...tables
  }
}

/** A PUT or validate body: the canonical JSON, `unit`/`year` optional where the path gives them. */
function submissionBody(id: TemplateId) {
  return Type.Object(
    {
      unit: Type.Optional(DivisionCode),
      year: Type.Optional(Year),
      status: Type.Optional(Status),
      amendmentReason: Type.Optional(
        Type.String({ minLength: 1, maxLength: 2000, description: 'Required to change an accepted report' })
      ),
      ...reportProperties(id)
    },
    { additionalProperties: false, title: `Report (${id})`, description: TEMPLATES[id].zh }
  )
}

/** The request examples of the document (OpenAPI's media-type examples, by @fastify/swagger). */
const EXAMPLES = {
  'x-examples': {
    fengshi2020: {
      summary: '峰市镇 2020 (gb2019), as published',
      description: 'The repository’s fixture: a real published report, every rule satisfied',
      value: REPORT_EXAMPLE
    }
  }
}

/** The branches of the unions below, each registered once by its $id (shared.ts). */
export const REPORT_BRANCHES: TSchema[] = []

/**
 * One schema per template, united by the `template` key: each branch a named schema
 * (`${name}Gb2019`, `${name}Gb2021`), so that a client generator can pick it by the discriminator.
 */
function discriminated<T extends TSchema>(
  name: string,
  branch: (id: TemplateId) => T,
  description: string,
  options: Record<string, unknown> = {}
) {
  const refs = TEMPLATE_IDS.map((id) => {
    const $id = `${name}${id[0]!.toUpperCase()}${id.slice(1)}`
    REPORT_BRANCHES.push({ ...branch(id), $id })
    return Type.Ref($id)
  })
  return Type.Unsafe<Static<T>>(
    Type.Union(refs, { discriminator: { propertyName: 'template' }, description, ...options })
  )
}

// The tables are generated from the template definitions, so their static type is the domain's
// (Type.Unsafe keeps the schema as built and gives it that type).
export const ReportSubmission = Type.Unsafe<ReportInput>(
  discriminated(
    'ReportSubmission',
    submissionBody,
    'A report in canonical JSON (report-format.md); the template key decides the shape of its tables',
    EXAMPLES
  )
)

/** POST /v1/validate: as a PUT body, but unit and year must be given since no path names them. */
export const ReportToValidate = Type.Unsafe<ReportInput & { unit: string; year: number }>(
  discriminated(
    'ReportToValidate',
    (id) =>
      Type.Object(
        { ...submissionBody(id).properties, unit: DivisionCode, year: Year },
        { additionalProperties: false, title: `Report to validate (${id})` }
      ),
    'A report in canonical JSON, with its unit and year',
    EXAMPLES
  )
)

export const By = Type.Union([Type.Object({ tokenId: Type.String(), role: Type.String() }), Type.Null()], {
  description: 'Who made the change (the token, never its secret); null for changes made before access control'
})

const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 in China Standard Time (+08:00)' })
const NullableInstant = Type.Union([Instant, Type.Null()])
const StoredStatus = Type.Enum([...REPORT_STATUSES])

const workflowFields = {
  unit: TownshipCode,
  year: Year,
  status: StoredStatus,
  revision: Type.Integer({ minimum: 1 }),
  submittedAt: Type.Union([Instant, Type.Null()], {
    description: 'When the report was first submitted; the deadline is judged against it'
  }),
  onTime: Type.Union([Type.Boolean(), Type.Null()], { description: 'null while never submitted' })
}

export const SubmissionResult = Type.Object({
  ...workflowFields,
  template: Type.Enum([...TEMPLATE_IDS]),
  unchanged: Type.Boolean({ description: 'true when the body equals the current revision: nothing was stored' }),
  errors: Type.Array(Type.Ref('Violation')),
  warnings: Type.Array(Type.Ref('Violation'))
})

const ReviewFields = Type.Object({
  action: Type.Union([Type.Literal('accept'), Type.Literal('return')]),
  comment: Type.Union([Type.String(), Type.Null()]),
  revision: Type.Integer(),
  at: Instant,
  by: By
})

/** A stored report as read back: the canonical JSON plus its workflow state. */
export const StoredReport = discriminated(
  'StoredReport',
  (id) =>
    Type.Object(
      {
        ...workflowFields,
        ...reportProperties(id),
        acceptedAt: NullableInstant,
        createdAt: Type.Optional(Instant),
        by: Type.Optional(By),
        reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        lastReview: Type.Optional(Type.Union([ReviewFields, Type.Null()])),
        errors: Type.Array(Type.Ref('Violation')),
        warnings: Type.Array(Type.Ref('Violation'))
      },
      { title: `Stored report (${id})` }
    ),
  'A stored report: the canonical JSON with its revision and workflow state'
)

export const RevisionSummary = Type.Object({
  revision: Type.Integer({ minimum: 1 }),
  status: Type.Enum([...SUBMITTABLE_STATUSES]),
  template: Type.Enum([...TEMPLATE_IDS]),
  createdAt: Instant,
  by: By,
  reason: Type.Union([Type.String(), Type.Null()], {
    description: 'amendmentReason, for a change to an accepted report'
  }),
  errorCount: Type.Integer(),
  warningCount: Type.Integer()
})

export const RevisionList = Type.Object({
  items: Type.Array(RevisionSummary),
  reviews: Type.Array(ReviewFields, { description: 'Every review action, oldest first' })
})

export const Diff = Type.Object({
  from: Type.Union([Type.Integer(), Type.Null()], { description: 'null when diffing the first revision' }),
  to: Type.Integer(),
  changes: Type.Array(
    Type.Object({
      cell: Type.String({ description: 'Cell code or field path, e.g. proactive.regulations.newlyMade' }),
      old: Type.Union([Type.Number(), Type.String(), Type.Null()]),
      new: Type.Union([Type.Number(), Type.String(), Type.Null()])
    })
  )
})

export const ReportSummary = Type.Object({
  ...workflowFields,
  unitName: Type.String(),
  template: Type.Enum([...TEMPLATE_IDS]),
  acceptedAt: NullableInstant,
  updatedAt: Instant,
  errorCount: Type.Integer(),
  warningCount: Type.Integer()
})

export const ReportList = Type.Object({
  items: Type.Array(ReportSummary),
  nextCursor: NextCursor
})

export const ReviewBody = Type.Object(
  {
    action: Type.Union([Type.Literal('accept'), Type.Literal('return')], { errorMessage: 'must be accept or return' }),
    comment: Type.Optional(
      Type.String({ maxLength: 5000, description: 'Required to return a report: what its unit is to correct' })
    )
  },
  { additionalProperties: false }
)

export const ReviewQueueQuery = Type.Object(
  {
    under: DivisionCode,
    year: Type.Optional(Year),
    limit: Limit,
    cursor: Type.Optional(Cursor)
  },
  { additionalProperties: false }
)

export const ReviewQueue = Type.Object({
  items: Type.Array(
    Type.Object({
      ...workflowFields,
      unitName: Type.String(),
      template: Type.Enum([...TEMPLATE_IDS]),
      waitingSince: Type.String({
        format: 'date-time',
        description: 'When the current revision was submitted (+08:00)'
      }),
      errorCount: Type.Integer(),
      warningCount: Type.Integer(),
      openFindings: Type.Integer({ description: 'Errors and warnings not explained by a reviewer' }),
      lastReview: Type.Union([ReviewFields, Type.Null()], {
        description: 'The latest review action, e.g. the return this revision answers'
      })
    })
  ),
  nextCursor: NextCursor
})

export const ReviewResult = Type.Object({
  unit: TownshipCode,
  year: Year,
  revision: Type.Integer(),
  status: StoredStatus,
  acceptedAt: NullableInstant,
  review: ReviewFields
})

export const Evaluation = Type.Object({
  valid: Type.Boolean({ description: 'false when any error rule fails' }),
  errors: Type.Array(Type.Ref('Violation')),
  warnings: Type.Array(Type.Ref('Violation'))
})

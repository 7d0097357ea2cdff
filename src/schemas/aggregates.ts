// Aggregate, coverage and deadline schemas; the sums are shaped like the templates' tables.
import { Type, type TSchema } from 'typebox'
import { REPORT_STATUSES } from '../domain/report.js'
import {
  APPEAL_COLUMNS,
  APPLICANT_COLUMNS,
  tableOf,
  TEMPLATE_IDS,
  type RowDef,
  type TableKey,
  type TemplateId
} from '../domain/templates.js'
import { CODE_LENGTHS_TEXT, Cursor, Limit, NextCursor, Year } from './common.js'
import { CODE_LENGTHS, codePattern, DIVISION_LEVELS, NATIONAL, NATIONAL_SCOPE } from '../domain/divisions.js'

const Sum = Type.Number({ description: 'Sum over the reports in the aggregate' })

function sumsOf(id: string, columns: readonly { key: string; zh: string; en: string }[], description: string) {
  return Type.Object(Object.fromEntries(columns.map((c) => [c.key, { ...Sum, description: `${c.zh} (${c.en})` }])), {
    $id: id,
    description
  })
}

export const ApplicantSums = sumsOf('ApplicantSums', APPLICANT_COLUMNS, '三: the seven applicant columns, summed')
export const AppealSums = sumsOf('AppealSums', APPEAL_COLUMNS, '四: the five result columns, summed')

function sumTree(rows: readonly RowDef[]): TSchema {
  const properties: Record<string, TSchema> = {}
  for (const row of rows) {
    if (row.columns === APPLICANT_COLUMNS) properties[row.key] = Type.Ref('ApplicantSums')
    else if (row.columns === APPEAL_COLUMNS) properties[row.key] = Type.Ref('AppealSums')
    else {
      const node: Record<string, TSchema> = {}
      if (row.children)
        Object.assign(node, (sumTree(row.children) as unknown as { properties: Record<string, TSchema> }).properties)
      for (const column of row.columns ?? []) {
        node[column.key] = column.notAdditive
          ? Type.Null({ description: `${column.zh}: not summed (${column.notAdditive})` })
          : { ...Sum, description: `${column.zh} (${column.en})` }
      }
      properties[row.key] = Type.Object(node, { description: `${row.zh} (${row.en})` })
    }
  }
  return Type.Object(properties)
}

const rows = (template: TemplateId, table: TableKey) => tableOf(template, table).rows

const requestsSchema = (() => {
  const base = sumTree(rows('gb2021', 'requests')) as unknown as {
    properties: Record<string, { properties: Record<string, TSchema> }>
  }
  const outcomes = base.properties.outcomes!
  const other = outcomes.properties.other as unknown as { properties: Record<string, TSchema> }
  other.properties.unclassified = Type.Ref('ApplicantSums', {
    description: 'gb2019 reports’ （六）其他处理, which has no breakdown'
  })
  return base as unknown as TSchema
})()

export const Scope = Type.Object({
  code: Type.String({ description: 'Division code, or cn for the whole country' }),
  name: Type.String(),
  level: Type.Enum([NATIONAL_SCOPE.level, ...DIVISION_LEVELS])
})

export const Coverage = Type.Object(
  {
    expected: Type.Integer({ description: 'Townships under the division' }),
    submitted: Type.Integer({ description: 'Current report submitted or accepted (in the sums by default)' }),
    accepted: Type.Integer(),
    onTime: Type.Integer({
      description: 'Of the submitted, first submitted by the end of the deadline day (Beijing time)'
    }),
    late: Type.Integer(),
    missing: Type.Integer({ description: 'No report, or only a draft or a returned one: never read it as zero' })
  },
  { $id: 'Coverage' }
)

const rate = (description: string) =>
  Type.Union([Type.Number(), Type.Null()], { description: `${description}; null when the denominator is 0` })

const aggregateFields = {
  coverage: Type.Ref('Coverage'),
  templates: Type.Object(
    { gb2019: Type.Integer(), gb2021: Type.Integer() },
    { description: 'Reports of each template in the sums' }
  ),
  proactive: Type.Object(
    {
      gb2019: Type.Union([sumTree(rows('gb2019', 'proactive')), Type.Null()]),
      gb2021: Type.Union([sumTree(rows('gb2021', 'proactive')), Type.Null()])
    },
    { description: '二, summed per template (its cells mean different things); null where no report of the template' }
  ),
  requests: requestsSchema,
  appeals: sumTree(rows('gb2021', 'appeals')),
  indicators: Type.Object({
    disclosureRate: rate('公开率: (granted + partially granted) / outcomes total'),
    reconsiderationCorrectionRate: rate('复议纠错率: corrected / (upheld + corrected + other)'),
    litigationCorrectionRate: rate('诉讼纠错率: the same over both litigation groups'),
    backlogRate: rate('carried forward / (received + carried over)')
  }),
  incompleteCells: Type.Integer({ description: 'Null cells (not reported) counted as absent' })
}

const Statuses = Type.Array(Type.Enum(REPORT_STATUSES))

const CHILDREN =
  'Every child division, those with no report included, each with the same sums as an aggregate of its own'

/** The sums of one division (or the whole country) for a year. */
export const Aggregate = Type.Object(
  { scope: Scope, year: Type.Integer(), statuses: Statuses, ...aggregateFields },
  { $id: 'Aggregate', description: 'Every cell summed over the reports of the townships under a division' }
)

/** The same for each child division (GET …/children, or ?groupBy=child). */
export const ChildAggregates = Type.Object(
  {
    scope: Scope,
    year: Type.Integer(),
    statuses: Statuses,
    items: Type.Array(Type.Object({ scope: Scope, ...aggregateFields }), { description: CHILDREN })
  },
  { $id: 'ChildAggregates', description: CHILDREN }
)

/** GET /v1/aggregates/{code}/{year}: an Aggregate, or with groupBy=child the ChildAggregates. */
export const AggregateResponse = Type.Union([Type.Ref('Aggregate'), Type.Ref('ChildAggregates')], {
  description: 'An Aggregate; with groupBy=child (kept for v1 clients; GET …/children says it alone) ChildAggregates'
})

export const AggregateSeries = Type.Object({
  scope: Scope,
  statuses: Statuses,
  items: Type.Array(Type.Object({ year: Type.Integer(), ...aggregateFields }))
})

const STATUS_LIST = '^(draft|submitted|accepted|returned)(,(draft|submitted|accepted|returned))*$'
const StatusQuery = Type.String({
  pattern: STATUS_LIST,
  description:
    'Comma-separated statuses to sum (default submitted,accepted); draft and returned need a token covering the ' +
    'division',
  errorMessage: 'must be a comma-separated list of draft, submitted, accepted, returned'
})

export const AggregateCode = Type.String({
  pattern: codePattern(DIVISION_LEVELS, [NATIONAL]),
  description: 'A division code, or cn for the whole country',
  errorMessage: `must be ${NATIONAL} or a division code of ${CODE_LENGTHS_TEXT} digits`
})

export const AggregateParams = Type.Object({ code: AggregateCode, year: Year })
export const AggregateQuery = Type.Object(
  {
    status: Type.Optional(StatusQuery),
    groupBy: Type.Optional(
      Type.Enum(['child'], { errorMessage: 'must be child', description: 'child: one entry per child division' })
    )
  },
  { additionalProperties: false }
)
export const SeriesParams = Type.Object({ code: AggregateCode })
export const SeriesQuery = Type.Object(
  { from: Year, to: Year, status: Type.Optional(StatusQuery) },
  { additionalProperties: false }
)

export const COVERAGE_STATES = ['missing', ...REPORT_STATUSES, 'late', 'onTime'] as const

export const CoverageQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Enum([...COVERAGE_STATES], {
        description: 'missing, draft, submitted, accepted, returned; late and onTime filter by the on-time flag',
        errorMessage: `must be one of ${COVERAGE_STATES.join(', ')}`
      })
    ),
    limit: Limit,
    cursor: Type.Optional(Cursor)
  },
  { additionalProperties: false }
)

const Instant = Type.String({ format: 'date-time' })
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD, China Standard Time' })

export const CoverageList = Type.Object({
  scope: Scope,
  year: Type.Integer(),
  counts: Type.Ref('Coverage'),
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      districtCode: Type.String(),
      state: Type.Enum(['missing', ...REPORT_STATUSES]),
      template: Type.Union([Type.Enum(TEMPLATE_IDS), Type.Null()]),
      revision: Type.Union([Type.Integer(), Type.Null()]),
      submittedAt: Type.Union([Instant, Type.Null()], { description: 'First submission' }),
      onTime: Type.Union([Type.Boolean(), Type.Null()]),
      deadline: DateString
    })
  ),
  nextCursor: NextCursor
})

export const DeadlineParams = Type.Object({
  code: Type.String({
    pattern: codePattern(['district']),
    description: 'A district (county-level) code',
    errorMessage: `must be a district code of ${CODE_LENGTHS.district} digits`
  }),
  year: Year
})
export const DeadlineBody = Type.Object(
  { date: Type.String({ format: 'date', errorMessage: 'must be a calendar date YYYY-MM-DD' }) },
  { additionalProperties: false }
)
export const DeadlineResult = Type.Object({
  code: Type.String(),
  year: Type.Integer(),
  date: DateString,
  source: Type.Enum(['default', 'district']),
  setAt: Type.Union([Instant, Type.Null()]),
  changed: Type.Optional(Type.Integer({ description: 'Reports whose on-time flag the change reversed' }))
})

// Drizzle tables: the database truth. Column names are snake_case, except the cell columns of
// current_cells, which are named by their cell code so that SQL, exports and templates agree.
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type SQLiteColumnBuilderBase
} from 'drizzle-orm/sqlite-core'
import { ROLES } from '../domain/access.js'
import { TIMELINESS } from '../domain/deadlines.js'
import { DIVISION_LEVELS } from '../domain/divisions.js'
import { REPORT_STATUSES, SUBMITTABLE_STATUSES } from '../domain/report.js'
import { ALL_CELLS, TEMPLATE_IDS } from '../domain/templates.js'

/** Small key/value facts about the database itself, e.g. which registry source it was seeded from. */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
})

/** China's administrative divisions: provinces, cities, districts (county level) and townships. */
export const divisions = sqliteTable(
  'divisions',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    level: text('level', { enum: DIVISION_LEVELS }).notNull(),
    parentCode: text('parent_code')
  },
  (t) => [index('divisions_parent_idx').on(t.parentCode, t.code), index('divisions_level_idx').on(t.level, t.code)]
)

/** One row per unit and year: the head that marks the current revision and the workflow state. */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitCode: text('unit_code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    currentRevision: integer('current_revision').notNull(),
    status: text('status', { enum: REPORT_STATUSES }).notNull(),
    template: text('template', { enum: TEMPLATE_IDS }).notNull(),
    /** When the report first reached `submitted`: what the deadline is judged against. */
    firstSubmittedAt: integer('first_submitted_at', { mode: 'timestamp_ms' }),
    /** The first submission against the deadline in force; recomputed when a deadline changes. */
    timeliness: text('timeliness', { enum: TIMELINESS }).notNull().default('none'),
    acceptedAt: integer('accepted_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
  },
  (t) => [
    uniqueIndex('reports_unit_year_uq').on(t.unitCode, t.year),
    index('reports_year_status_idx').on(t.year, t.status, t.unitCode),
    index('reports_year_unit_idx').on(t.year, t.unitCode)
  ]
)

/** Every accepted change of a report, never updated or deleted. */
export const reportRevisions = sqliteTable(
  'report_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    revision: integer('revision').notNull(),
    status: text('status', { enum: SUBMITTABLE_STATUSES }).notNull(),
    template: text('template', { enum: TEMPLATE_IDS }).notNull(),
    /** The canonical report JSON as stored. */
    body: text('body', { mode: 'json' }).notNull(),
    contentHash: text('content_hash').notNull(),
    errors: text('errors', { mode: 'json' }).notNull(),
    warnings: text('warnings', { mode: 'json' }).notNull(),
    /** amendmentReason of a PUT that changed an accepted report. */
    reason: text('reason'),
    byTokenId: text('by_token_id'),
    byRole: text('by_role'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
  },
  // Two concurrent PUTs cannot both create revision n of the same report.
  (t) => [uniqueIndex('report_revisions_report_revision_uq').on(t.reportId, t.revision)]
)

/** Review actions (accept/return) on a revision, never updated or deleted. */
export const reportReviews = sqliteTable(
  'report_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    revision: integer('revision').notNull(),
    action: text('action', { enum: ['accept', 'return'] }).notNull(),
    comment: text('comment'),
    byTokenId: text('by_token_id'),
    byRole: text('by_role'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
  },
  (t) => [index('report_reviews_report_idx').on(t.reportId, t.id)]
)

const cellColumns = (): Record<string, SQLiteColumnBuilderBase> =>
  Object.fromEntries(
    ALL_CELLS.map((cell) => [cell.code, cell.type === 'amount' ? real(cell.code) : integer(cell.code)])
  )

/**
 * The cells of each report's current revision, one column per cell code of either template
 * (null where the template has no such cell or the report left it blank). Wide rather than one
 * row per cell: summing a cell over every report of a year is then one `SUM(column)` over one
 * row per report, not a GROUP BY over two hundred rows per report. Rewritten in the same
 * transaction as the revision it mirrors.
 */
export const currentCells = sqliteTable('current_cells', {
  reportId: integer('report_id')
    .primaryKey()
    .references(() => reports.id),
  revision: integer('revision').notNull(),
  ...cellColumns()
})

/** Per-district deadline overrides; without one a report is due on 31 January of year + 1. */
export const deadlines = sqliteTable(
  'deadlines',
  {
    code: text('code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    /** A calendar date (YYYY-MM-DD) in China Standard Time; the whole day counts. */
    date: text('date').notNull(),
    setAt: integer('set_at', { mode: 'timestamp_ms' }).notNull(),
    setBy: text('set_by')
  },
  (t) => [primaryKey({ columns: [t.code, t.year] })]
)

/**
 * Sums of the current cells of reports, kept in the same transaction as every write, per
 * division at every level (the country as 'cn', provinces, cities, districts, townships), year,
 * template, status and timeliness. An aggregate then reads a handful of rows, whatever the
 * number of reports under it. Cells of the other template, and null cells, add 0.
 */
export const rollups = sqliteTable(
  'rollups',
  {
    divisionCode: text('division_code').notNull(),
    year: integer('year').notNull(),
    template: text('template', { enum: TEMPLATE_IDS }).notNull(),
    status: text('status', { enum: REPORT_STATUSES }).notNull(),
    timeliness: text('timeliness', { enum: TIMELINESS }).notNull(),
    reportCount: integer('report_count').notNull(),
    /** How many cells of the template were null (not reported) across these reports. */
    incompleteCells: integer('incomplete_cells').notNull(),
    ...cellColumns()
  },
  (t) => [primaryKey({ columns: [t.divisionCode, t.year, t.template, t.status, t.timeliness] })]
)

/** Bearer tokens: only a hash of the secret is kept; revoked tokens stay for the audit trail. */
export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** The division the token may act on (with everything under it); null for admin. */
    scope: text('scope').references(() => divisions.code),
    label: text('label'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    createdBy: text('created_by'),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' })
  },
  (t) => [index('tokens_created_idx').on(t.createdAt)]
)

/** Every write, appended in the same transaction as the write itself; never updated or deleted. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    tokenId: text('token_id'),
    role: text('role'),
    /** e.g. report.revision, report.review, deadline.set, token.create, token.revoke */
    action: text('action').notNull(),
    /** What was written, e.g. 350803109/2020 or a token id. */
    target: text('target').notNull(),
    /** The division the write concerns, for district-scoped reading; null for tokens of admins. */
    divisionCode: text('division_code'),
    detail: text('detail', { mode: 'json' }).notNull(),
    requestId: text('request_id'),
    clientAddress: text('client_address')
  },
  (t) => [index('audit_division_idx').on(t.divisionCode, t.id), index('audit_action_idx').on(t.action, t.id)]
)

/**
 * Bottom-k MinHash sketches of each current report's prose (domain/quality.ts), so that a new
 * submission is compared with its district's reports without reading their text.
 */
export const reportSignatures = sqliteTable('report_signatures', {
  reportId: integer('report_id')
    .primaryKey()
    .references(() => reports.id),
  overview: text('overview', { mode: 'json' }).$type<number[] | null>(),
  problems: text('problems', { mode: 'json' }).$type<number[] | null>()
})

/** A district reviewer's explanation of a warning on one revision; a new revision reopens it. */
export const findingExplanations = sqliteTable(
  'finding_explanations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    revision: integer('revision').notNull(),
    rule: text('rule').notNull(),
    /** The first cell of the finding, which tells apart several findings of one rule. */
    cell: text('cell').notNull(),
    comment: text('comment').notNull(),
    byTokenId: text('by_token_id'),
    byRole: text('by_role'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
  },
  (t) => [uniqueIndex('finding_explanations_uq').on(t.reportId, t.revision, t.rule, t.cell)]
)

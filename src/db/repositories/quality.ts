// Findings: every error and warning of the current revisions under a division, flattened from
// the revisions' JSON by SQLite (json_each), with reviewers' explanations of warnings.
import type { Visibility } from '../../domain/access.js'
import type Database from 'better-sqlite3'
import { codeAfter, NATIONAL } from '../../domain/divisions.js'
import type { Violation } from '../../domain/rules.js'
import type { Connection } from '../connection.js'
import { findingExplanations } from '../schema.js'
import { actorColumns, appendAudit, type RequestContext } from './audit.js'
import { keysetPage } from './paging.js'
import { PUBLIC_STATUS_LIST } from './under.js'

export interface FindingFilter {
  code: string
  year: number
  rule?: string | undefined
  severity?: 'error' | 'warning' | undefined
  state?: 'open' | 'explained' | undefined
  /** Which drafts and returned reports are included besides the public ones. */
  visibility: Visibility
}

export interface FindingRow {
  unit: string
  unitName: string
  revision: number
  status: string
  severity: 'error' | 'warning'
  index: number
  violation: Violation
  explanation: { comment: string; tokenId: string | null; role: string | null; at: number } | null
}

/** The findings of the filter as SQL over reports, their current revision and explanations. */
function findingsSql(filter: FindingFilter, params: unknown[]): string {
  const where: string[] = ['h.year = ?']
  params.push(filter.year)
  if (filter.code !== NATIONAL) {
    where.push('h.unit_code >= ? AND h.unit_code < ?')
    params.push(filter.code, codeAfter(filter.code))
  }
  const { visibility } = filter
  if (visibility.kind === 'public') where.push(`h.status IN ${PUBLIC_STATUS_LIST}`)
  else if (visibility.kind === 'under') {
    where.push(`(h.status IN ${PUBLIC_STATUS_LIST} OR (h.unit_code >= ? AND h.unit_code < ?))`)
    params.push(visibility.code, codeAfter(visibility.code))
  }
  const part = (severity: 'error' | 'warning', column: string) => `
    SELECT h.id AS report_id, h.unit_code AS unit, d.name AS unit_name, h.current_revision AS revision, h.status,
           '${severity}' AS severity, ${severity === 'error' ? 0 : 1} AS rank,
           CAST(j.key AS INTEGER) AS idx, j.value AS violation,
           json_extract(j.value, '$.rule') AS rule, coalesce(json_extract(j.value, '$.cells[0]'), '') AS cell
    FROM reports h
    JOIN divisions d ON d.code = h.unit_code
    JOIN report_revisions r ON r.report_id = h.id AND r.revision = h.current_revision,
    json_each(r.${column}) j
    WHERE ${where.join(' AND ')}`
  // Both halves take the same parameters.
  params.push(...params.slice())
  const outer: string[] = []
  if (filter.rule) outer.push('f.rule = ?')
  if (filter.severity) outer.push('f.severity = ?')
  if (filter.state) outer.push(filter.state === 'explained' ? 'x.id IS NOT NULL' : 'x.id IS NULL')
  return `
    SELECT f.*, x.id AS explanation_id, x.comment, x.by_token_id, x.by_role, x.created_at
    FROM (${part('error', 'errors')} UNION ALL ${part('warning', 'warnings')}) f
    LEFT JOIN finding_explanations x
      ON x.report_id = f.report_id AND x.revision = f.revision AND x.rule = f.rule AND x.cell = f.cell
    ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}`
}

export function createQualityRepository({ db, sqlite }: Connection) {
  const statements = new Map<string, Database.Statement>()
  const prepare = (text: string) => {
    let statement = statements.get(text)
    if (!statement) statements.set(text, (statement = sqlite.prepare(text)))
    return statement
  }
  const filterParams = (filter: FindingFilter) =>
    [filter.rule, filter.severity].filter((v): v is string => v !== undefined)

  return {
    /** A page of findings, errors first, then by unit and order within the report. */
    findings(
      filter: FindingFilter,
      limit: number,
      after?: readonly [number, string, number]
    ): { rows: FindingRow[]; next: [number, string, number] | null } {
      const params: unknown[] = []
      const inner = findingsSql(filter, params)
      params.push(...filterParams(filter))
      const keyset = after ? 'WHERE (rank, unit, idx) > (?, ?, ?)' : ''
      if (after) params.push(...after)
      const rows = prepare(`SELECT * FROM (${inner}) ${keyset} ORDER BY rank, unit, idx LIMIT ?`).all(
        ...params,
        limit + 1
      ) as Array<Record<string, unknown>>
      const page = keysetPage(
        rows,
        limit,
        (row) => [row.rank as number, row.unit as string, row.idx as number] as const
      )
      return {
        rows: page.rows.map((row) => ({
          unit: row.unit as string,
          unitName: row.unit_name as string,
          revision: row.revision as number,
          status: row.status as string,
          severity: row.severity as 'error' | 'warning',
          index: row.idx as number,
          violation: JSON.parse(row.violation as string) as Violation,
          explanation:
            row.explanation_id === null
              ? null
              : {
                  comment: row.comment as string,
                  tokenId: row.by_token_id as string | null,
                  role: row.by_role as string | null,
                  at: row.created_at as number
                }
        })),
        next: page.next && [...page.next]
      }
    },

    /** Counts over every finding of the filter (not only a page), by rule and severity. */
    counts(filter: FindingFilter): Array<{ rule: string; severity: string; total: number; explained: number }> {
      const params: unknown[] = []
      const inner = findingsSql(filter, params)
      params.push(...filterParams(filter))
      return prepare(
        `SELECT rule, severity, count(*) AS total, sum(explanation_id IS NOT NULL) AS explained
         FROM (${inner})
         GROUP BY rule, severity
         ORDER BY severity, rule`
      ).all(...params) as Array<{ rule: string; severity: string; total: number; explained: number }>
    },

    /** Marks a warning of the current revision explained (or changes the comment), with the audit entry. */
    explain(input: {
      reportId: number
      unit: string
      year: number
      revision: number
      rule: string
      cell: string
      comment: string
      context: RequestContext
      at: Date
    }) {
      return db.transaction((tx) => {
        const values = {
          reportId: input.reportId,
          revision: input.revision,
          rule: input.rule,
          cell: input.cell,
          comment: input.comment,
          ...actorColumns(input.context),
          createdAt: input.at
        }
        const row = tx
          .insert(findingExplanations)
          .values(values)
          .onConflictDoUpdate({
            target: [
              findingExplanations.reportId,
              findingExplanations.revision,
              findingExplanations.rule,
              findingExplanations.cell
            ],
            set: {
              comment: values.comment,
              byTokenId: values.byTokenId,
              byRole: values.byRole,
              createdAt: values.createdAt
            }
          })
          .returning()
          .get()
        appendAudit(
          tx,
          input.context,
          {
            action: 'finding.explain',
            target: `${input.unit}/${input.year}`,
            divisionCode: input.unit,
            detail: { revision: input.revision, rule: input.rule, cell: input.cell, comment: input.comment }
          },
          input.at
        )
        return row
      })
    }
  }
}

export type QualityRepository = ReturnType<typeof createQualityRepository>

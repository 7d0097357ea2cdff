// The canonical report: its shape, reading cells out of it, and comparing two reports.
import { createHash } from 'node:crypto'
import { TEMPLATES, type CellDef, type TemplateId } from './templates.js'

export const REPORT_STATUSES = ['draft', 'submitted', 'accepted', 'returned'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]
/** Submitted and accepted reports are public documents; drafts and returned ones are not. */
export const PUBLIC_STATUSES = ['submitted', 'accepted'] as const satisfies readonly ReportStatus[]
export type PublicStatus = (typeof PUBLIC_STATUSES)[number]
export function isPublic(status: string): boolean {
  return (PUBLIC_STATUSES as readonly string[]).includes(status)
}
/** What a unit may ask for in a PUT; accepted and returned are set by review only. */
export const SUBMITTABLE_STATUSES = ['draft', 'submitted'] as const
export type SubmittableStatus = (typeof SUBMITTABLE_STATUSES)[number]

export type CellValue = number | null
export interface CellTree {
  [key: string]: CellValue | string | CellTree
}

export interface ReportMeta {
  title?: string | null
  organ?: string | null
  documentNumber?: string | null
  publishedOn?: string | null
  sourceUrl?: string | null
  contact?: { address?: string | null; postcode?: string | null; phone?: string | null; fax?: string | null }
}

export interface Narrative {
  overview?: string | null
  problems?: string | null
  other?: string | null
}

/** A report as submitted: the canonical JSON of report-format.md with unit and year filled in. */
export interface Report {
  unit: string
  year: number
  template: TemplateId
  status: SubmittableStatus
  meta?: ReportMeta
  narrative?: Narrative
  proactive: CellTree
  requests: CellTree
  appeals: CellTree
}

/** A PUT or validate body: unit and year may come from the path, status defaults to submitted. */
export type ReportInput = Omit<Report, 'unit' | 'year' | 'status'> & {
  unit?: string
  year?: number
  status?: SubmittableStatus
  /** Why an accepted report is changed; kept with the revision, not part of the report. */
  amendmentReason?: string
}

/** The report a body describes, with the path's unit and year and the default status. */
export function toReport(input: ReportInput, unit: string, year: number): Report {
  const { amendmentReason: _reason, ...content } = input
  return { ...content, unit, year, status: input.status ?? 'submitted' }
}

/** The value at a cell's path; `undefined` when the path does not exist in the report. */
export function readCell(
  report: Pick<Report, 'proactive' | 'requests' | 'appeals'>,
  path: readonly string[]
): CellValue | undefined {
  // An indexed loop over plain property reads: the rules call this for every cell of every report.
  let node: unknown = report
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[path[i]!]
  }
  return typeof node === 'number' || node === null ? node : undefined
}

/** Every cell of the report's template with its value, in template order. */
export function cellValues(report: Report): Array<{ cell: CellDef; value: CellValue }> {
  return TEMPLATES[report.template].cells.map((cell) => ({ cell, value: readCell(report, cell.path) ?? null }))
}

/** Stable JSON: object keys sorted at every depth, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        )
      : v
  )
}

/** A digest of everything a revision stores, used to tell an identical re-submission. */
export function contentHash(report: Report): string {
  return createHash('sha256').update(canonicalJson(report)).digest('base64url')
}

export interface CellChange {
  cell: string
  old: CellValue | string
  new: CellValue | string
}

/**
 * The differences between two revisions: every leaf whose value changed, named by its dotted
 * path: cells (across a change of template, cells of either template; a cell absent on one side
 * is null there) and the other fields (status, template, meta, narrative).
 */
export function diffReports(before: Report, after: Report): CellChange[] {
  const changes: CellChange[] = []
  const walk = (a: unknown, b: unknown, path: string[]): void => {
    const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v)
    if (isObject(a) || isObject(b)) {
      const left = isObject(a) ? (a as Record<string, unknown>) : {}
      const right = isObject(b) ? (b as Record<string, unknown>) : {}
      const keys = new Set([...Object.keys(left), ...Object.keys(right)])
      for (const key of keys) walk(left[key], right[key], [...path, key])
      return
    }
    if (a !== b)
      changes.push({
        cell: path.join('.'),
        old: (a ?? null) as CellChange['old'],
        new: (b ?? null) as CellChange['new']
      })
  }
  walk(before, after, [])
  return changes
}

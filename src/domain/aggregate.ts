// Aggregation maths: from summed cells (per template, status and timeliness) to the aggregate
// of api.md, with coverage, templates, indicators and incomplete cells. Pure.
import type { Timeliness } from './deadlines.js'
import { PUBLIC_STATUSES, type ReportStatus } from './report.js'
import {
  APPLICANT_COLUMNS,
  tableOf,
  TEMPLATE_IDS,
  UNCLASSIFIED_OTHER_ROW,
  type RowDef,
  type TableKey,
  type TemplateId
} from './templates.js'

/** Sums over the reports of one template, status and timeliness (a rollup row). */
export interface Sums {
  template: TemplateId
  status: ReportStatus
  timeliness: Timeliness
  reportCount: number
  incompleteCells: number
  cells: Record<string, number>
}

export interface Coverage {
  /** Townships under the division: every one is expected to report. */
  expected: number
  /** Current report submitted or accepted, i.e. in the sums by default. */
  submitted: number
  accepted: number
  /** Of the submitted: first submitted before or after the end of the deadline day. */
  onTime: number
  late: number
  /** No report, or only a draft or a returned one. */
  missing: number
}

type Tree = { [key: string]: number | null | Tree }

export interface Indicators {
  disclosureRate: number | null
  reconsiderationCorrectionRate: number | null
  litigationCorrectionRate: number | null
  backlogRate: number | null
}

export interface Aggregate {
  statuses: ReportStatus[]
  coverage: Coverage
  templates: Record<TemplateId, number>
  proactive: Record<TemplateId, Tree | null>
  requests: Tree
  appeals: Tree
  indicators: Indicators
  incompleteCells: number
}

export const DEFAULT_STATUSES: ReportStatus[] = [...PUBLIC_STATUSES]
const IN_SUMS = new Set<ReportStatus>(DEFAULT_STATUSES)

/** Amounts are decimals: keep six places so that float residue never shows. */
const tidy = (value: number) => Math.round(value * 1e6) / 1e6

function tree(rows: readonly RowDef[], prefix: string, value: (code: string) => number | null): Tree {
  const out: Tree = {}
  for (const row of rows) {
    const path = `${prefix}.${row.key}`
    const node: Tree = row.children ? tree(row.children, path, value) : {}
    for (const column of row.columns ?? [])
      node[column.key] = column.notAdditive ? null : value(`${path}.${column.key}`)
    out[row.key] = node
  }
  return out
}

const table = (template: TemplateId, key: TableKey) => tableOf(template, key).rows

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : tidy(numerator / denominator))

export function coverageOf(sums: readonly Sums[], expected: number): Coverage {
  let submitted = 0
  let accepted = 0
  let onTime = 0
  let late = 0
  for (const s of sums) {
    if (!IN_SUMS.has(s.status)) continue
    submitted += s.reportCount
    if (s.status === 'accepted') accepted += s.reportCount
    if (s.timeliness === 'on_time') onTime += s.reportCount
    if (s.timeliness === 'late') late += s.reportCount
  }
  return { expected, submitted, accepted, onTime, late, missing: Math.max(0, expected - submitted) }
}

/**
 * The aggregate of the reports whose status is in `statuses`. 二 is summed per template (its
 * cells mean different things); 三 and 四 across both, with gb2019's single （六）其他处理 row kept
 * apart as `outcomes.other.unclassified`.
 */
export function aggregate(
  sums: readonly Sums[],
  expected: number,
  statuses: ReportStatus[] = DEFAULT_STATUSES
): Aggregate {
  const wanted = new Set(statuses)
  const chosen = sums.filter((s) => wanted.has(s.status))
  const byTemplate = Object.fromEntries(
    TEMPLATE_IDS.map((id) => [id, chosen.filter((s) => s.template === id)])
  ) as Record<TemplateId, Sums[]>
  const total = (rows: readonly Sums[], code: string) => tidy(rows.reduce((n, s) => n + (s.cells[code] ?? 0), 0))
  const templates = Object.fromEntries(
    TEMPLATE_IDS.map((id) => [id, byTemplate[id].reduce((n, s) => n + s.reportCount, 0)])
  ) as Record<TemplateId, number>

  const proactive = Object.fromEntries(
    TEMPLATE_IDS.map((id) => [
      id,
      templates[id] > 0 ? tree(table(id, 'proactive'), 'proactive', (code) => total(byTemplate[id], code)) : null
    ])
  ) as Record<TemplateId, Tree | null>

  // gb2021's layout of 三 holds every cell both templates share; the gb2019 （六） row is added apart.
  const requests = tree(table('gb2021', 'requests'), 'requests', (code) => total(chosen, code))
  const other = (requests.outcomes as Tree).other as Tree
  other[UNCLASSIFIED_OTHER_ROW.key] = Object.fromEntries(
    APPLICANT_COLUMNS.map((c) => [c.key, total(byTemplate.gb2019, `requests.outcomes.other.${c.key}`)])
  )
  const appeals = tree(table('gb2021', 'appeals'), 'appeals', (code) => total(chosen, code))

  const cell = (code: string) => total(chosen, code)
  const decided = (group: string) =>
    cell(`appeals.${group}.upheld`) + cell(`appeals.${group}.corrected`) + cell(`appeals.${group}.other`)
  const indicators: Indicators = {
    disclosureRate: ratio(
      cell('requests.outcomes.granted.total') + cell('requests.outcomes.partiallyGranted.total'),
      cell('requests.outcomes.total.total')
    ),
    reconsiderationCorrectionRate: ratio(cell('appeals.reconsideration.corrected'), decided('reconsideration')),
    litigationCorrectionRate: ratio(
      cell('appeals.litigationDirect.corrected') + cell('appeals.litigationAfterReconsideration.corrected'),
      decided('litigationDirect') + decided('litigationAfterReconsideration')
    ),
    backlogRate: ratio(
      cell('requests.carriedForward.total'),
      cell('requests.received.total') + cell('requests.carriedOver.total')
    )
  }

  return {
    statuses,
    coverage: coverageOf(sums, expected),
    templates,
    proactive,
    requests,
    appeals,
    indicators,
    incompleteCells: chosen.reduce((n, s) => n + s.incompleteCells, 0)
  }
}

// Generated reports that satisfy every error rule, with non-zero figures in every table: for
// tests, demo data and benchmarks. Deterministic for a given seed.
import type { CellTree, Report, ReportStatus, SubmittableStatus } from './report.js'
import {
  APPEAL_COLUMNS,
  APPLICANT_COLUMNS,
  tableOf,
  templateOfYear,
  type RowDef,
  type TemplateId
} from './templates.js'

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same reports everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SampleOptions {
  unit: string
  year: number
  template: TemplateId
  random: () => number
  /** Roughly how many applications the township handles in a year. */
  scale?: number
  status?: SubmittableStatus
  /** The unit's report of the year before: carried-over figures and 规范性文件 in force continue from it. */
  previous?: Report | undefined
}

const PARTS = APPLICANT_COLUMNS.filter((c) => c.key !== 'total').map((c) => c.key)

export function sampleReport(options: SampleOptions): Report {
  const { random, template } = options
  const scale = options.scale ?? 10
  const int = (max: number) => Math.floor(random() * (max + 1))
  // Most applications come from natural persons; organisations are rarer.
  const applicants = (max: number): CellTree => {
    const row: CellTree = {}
    let total = 0
    for (const part of PARTS) {
      const value = part === 'naturalPerson' ? int(max) : int(Math.max(1, Math.floor(max / 4)))
      row[part] = value
      total += value
    }
    row.total = total
    return row
  }
  const add = (...rows: CellTree[]): CellTree => {
    const sum: CellTree = {}
    for (const column of APPLICANT_COLUMNS) sum[column.key] = rows.reduce((s, r) => s + (r[column.key] as number), 0)
    return sum
  }

  // 三: outcome rows first, then the totals and carried figures that make the table balance.
  const outcomeRows: CellTree[] = []
  const buildOutcomes = (rows: readonly RowDef[]): CellTree => {
    const tree: CellTree = {}
    for (const row of rows) {
      if (row.key === 'total') continue
      if (row.children) tree[row.key] = buildOutcomes(row.children)
      else {
        const cells = applicants(row.key === 'granted' ? scale : Math.max(1, Math.floor(scale / 5)))
        outcomeRows.push(cells)
        tree[row.key] = cells
      }
    }
    return tree
  }
  const requestsDef = tableOf(template, 'requests')
  const outcomesDef = requestsDef.rows.find((r) => r.key === 'outcomes')!
  const outcomes = buildOutcomes(outcomesDef.children ?? [])
  const carriedForward = applicants(Math.max(1, Math.floor(scale / 5)))
  const inherited = (options.previous?.requests as Record<string, CellTree> | undefined)?.carriedForward
  if (inherited) {
    // Last year's carried-forward applications are this year's carried over: handle enough of them.
    const granted = outcomes.granted as CellTree
    for (const part of PARTS) {
      const deficit = (inherited[part] as number) - (granted[part] as number) - (carriedForward[part] as number)
      if (deficit > 0) granted[part] = (granted[part] as number) + deficit
    }
    granted.total = PARTS.reduce((s, p) => s + (granted[p] as number), 0)
  }
  outcomes.total = add(...outcomeRows)
  const handled = add(outcomes.total, carriedForward)
  // carriedOver ≤ handled in every column, so that received = handled − carriedOver ≥ 0.
  const carriedOver: CellTree = {}
  const received: CellTree = {}
  for (const part of PARTS) {
    carriedOver[part] = inherited ? (inherited[part] as number) : Math.floor((handled[part] as number) * random() * 0.3)
    received[part] = (handled[part] as number) - carriedOver[part]
  }
  carriedOver.total = PARTS.reduce((s, p) => s + (carriedOver[p] as number), 0)
  received.total = PARTS.reduce((s, p) => s + (received[p] as number), 0)

  const appeals: CellTree = {}
  for (const group of ['reconsideration', 'litigationDirect', 'litigationAfterReconsideration']) {
    const row: CellTree = {}
    let total = 0
    for (const column of APPEAL_COLUMNS) {
      if (column.key === 'total') continue
      row[column.key] = int(2)
      total += row[column.key] as number
    }
    row.total = total
    appeals[group] = row
  }

  // Decisions track a township's size from year to year: between half and all of `max`.
  const around = (max: number) => Math.round(max / 2 + random() * (max / 2))
  const amount = (max: number, decimals: number) => Math.round(random() * max * 10 ** decimals) / 10 ** decimals
  // Decisions per year of each kind of matter, in proportion to the township's size.
  const matter = (perScale: number) => {
    const previousCount = int(scale * 5)
    return {
      previousCount,
      change: int(scale) - Math.min(previousCount, int(scale)),
      decisions: around(scale * perScale)
    }
  }
  const normativeDocuments2021 = () => {
    const issued = int(3) + 1
    const before =
      options.previous?.template === 'gb2021' ? (options.previous.proactive.normativeDocuments as CellTree) : undefined
    const previousInForce = before ? (before.inForce as number) : int(20) + 4
    const repealed = Math.min(int(1), previousInForce)
    return { issued, repealed, inForce: previousInForce + issued - repealed }
  }
  const proactive: CellTree =
    template === 'gb2019'
      ? {
          // Townships make no 规章 (W-TOWNSHIP-REGULATIONS).
          regulations: { newlyMade: 0, newlyPublished: 0, totalPublished: 0 },
          normativeDocuments: { newlyMade: int(3), newlyPublished: int(3), totalPublished: int(20) + 1 },
          licensing: matter(20),
          otherServices: matter(20),
          penalties: matter(5),
          coercion: matter(1),
          fees: { previousCount: int(3), change: 0 },
          procurement: { projects: int(5) + 1, amount: amount(1_000_000, 2), amountUnit: 'yuan' }
        }
      : {
          regulations: { issued: 0, repealed: 0, inForce: 0 },
          normativeDocuments: normativeDocuments2021(),
          licensing: { decisions: around(scale * 20) + 1 },
          penalties: { decisions: around(scale * 5) + 1 },
          coercion: { decisions: around(scale) + 1 },
          fees: { amount: amount(5, 3) }
        }

  const name = `${options.unit} ${options.year}`
  return {
    unit: options.unit,
    year: options.year,
    template,
    status: options.status ?? 'submitted',
    meta: {
      title: `${name}年政府信息公开工作年度报告`,
      organ: `${options.unit}人民政府`,
      publishedOn: `${options.year + 1}-01-15`
    },
    narrative: { overview: `${name} 总体情况。`, problems: `${name} 存在的主要问题及改进情况。`, other: '无' },
    proactive,
    requests: { received, carriedOver, outcomes, carriedForward },
    appeals
  }
}

export interface DemoSubmission {
  report: Report
  /** The state the demo puts it in: most submitted or accepted, some drafts or returned, some missing. */
  status: ReportStatus
  firstSubmittedAt: Date | null
}

/** A stable seed from a unit code and a year, so that demo data is the same on every machine. */
export function seedOf(unit: string, year: number): number {
  let hash = 2166136261
  for (const char of `${unit}/${year}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619)
  return hash >>> 0
}

/**
 * One township's demo report for a year, or undefined for the ~6% that never report: gb2019 up
 * to 2020 and gb2021 after, about 9% submitted after 31 January, some still drafts or returned.
 */
export function demoSubmission(unit: string, year: number, previous?: Report): DemoSubmission | undefined {
  const random = seededRandom(seedOf(unit, year))
  const roll = random()
  if (roll < 0.06) return undefined
  const status = roll < 0.08 ? 'draft' : roll < 0.09 ? 'returned' : roll < 0.5 ? 'accepted' : 'submitted'
  const template = templateOfYear(year)
  // A township's size is its own, year after year, within ±20%.
  const scale = Math.max(2, Math.round((2 + (seedOf(unit, 0) % 40)) * (0.8 + random() * 0.4)))
  const report = sampleReport({
    unit,
    year,
    template,
    random,
    scale,
    previous,
    status: status === 'draft' ? 'draft' : 'submitted'
  })
  if (status === 'draft') return { report, status, firstSubmittedAt: null }
  const late = random() < 0.09
  // On time: between 5 and 31 January of year + 1; late: up to six weeks after, Beijing time.
  const start = Date.parse(`${year + 1}-01-05T09:00:00+08:00`)
  const deadlineEnd = Date.parse(`${year + 1}-02-01T00:00:00+08:00`)
  const at = late ? deadlineEnd + random() * 42 * 86_400_000 : start + random() * (deadlineEnd - start - 3_600_000)
  return { report, status, firstSubmittedAt: new Date(Math.floor(at / 1000) * 1000) }
}

// Generated reports that satisfy every error rule, with non-zero figures in every table: for
// tests, demo data and benchmarks. Deterministic for a given seed.
import type { CellTree, Report } from './report.js'
import { APPEAL_COLUMNS, APPLICANT_COLUMNS, TEMPLATES, type RowDef, type TemplateId } from './templates.js'

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
  status?: 'draft' | 'submitted'
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
  const requestsDef = TEMPLATES[template].tables.find((t) => t.key === 'requests')!
  const outcomesDef = requestsDef.rows.find((r) => r.key === 'outcomes')!
  const outcomes = buildOutcomes(outcomesDef.children ?? [])
  outcomes.total = add(...outcomeRows)
  const carriedForward = applicants(Math.max(1, Math.floor(scale / 5)))
  const handled = add(outcomes.total, carriedForward)
  // carriedOver ≤ handled in every column, so that received = handled − carriedOver ≥ 0.
  const carriedOver: CellTree = {}
  const received: CellTree = {}
  for (const part of PARTS) {
    carriedOver[part] = Math.floor((handled[part] as number) * random() * 0.3)
    received[part] = (handled[part] as number) - (carriedOver[part] as number)
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

  const amount = (max: number, decimals: number) => Math.round(random() * max * 10 ** decimals) / 10 ** decimals
  const matter = () => {
    const previousCount = int(scale * 5)
    return { previousCount, change: int(scale) - Math.min(previousCount, int(scale)), decisions: int(scale * 20) }
  }
  const proactive: CellTree =
    template === 'gb2019'
      ? {
          // Townships make no 规章 (W-TOWNSHIP-REGULATIONS).
          regulations: { newlyMade: 0, newlyPublished: 0, totalPublished: 0 },
          normativeDocuments: { newlyMade: int(3), newlyPublished: int(3), totalPublished: int(20) + 1 },
          licensing: matter(),
          otherServices: matter(),
          penalties: matter(),
          coercion: matter(),
          fees: { previousCount: int(3), change: 0 },
          procurement: { projects: int(5) + 1, amount: amount(1_000_000, 2), amountUnit: 'yuan' }
        }
      : {
          regulations: { issued: 0, repealed: 0, inForce: 0 },
          normativeDocuments: { issued: int(3) + 1, repealed: int(1), inForce: int(20) + 4 },
          licensing: { decisions: int(scale * 20) + 1 },
          penalties: { decisions: int(scale * 5) + 1 },
          coercion: { decisions: int(scale) + 1 },
          fees: { amount: amount(5, 3) }
        }

  const name = `${options.unit} ${options.year}`
  return {
    unit: options.unit,
    year: options.year,
    template,
    status: options.status ?? 'submitted',
    meta: { title: `${name}年政府信息公开工作年度报告`, organ: `${options.unit}人民政府`, publishedOn: `${options.year + 1}-01-15` },
    narrative: { overview: `${name} 总体情况。`, problems: `${name} 存在的主要问题及改进情况。`, other: '无' },
    proactive,
    requests: { received, carriedOver, outcomes, carriedForward },
    appeals
  }
}

// The consistency rules (勾稽关系) of report-format.md as one table of data, with pure evaluation.
// The same table drives validation, the catalogue endpoint and the documentation.
import {
  COPY_THRESHOLD,
  isJump,
  JUMP_FACTOR,
  JUMP_MINIMUM,
  MIN_PEERS,
  modifiedZ,
  OUTLIER_THRESHOLD,
  similarity,
  statedFigures
} from './quality.js'
import { cellRowOf, type CellRow, type Report } from './report.js'
import {
  ALL_CELLS,
  APPEAL_COLUMNS,
  APPLICANT_COLUMNS,
  isNormalYear,
  NARRATIVE_PARTS,
  requireCells,
  TEMPLATE_IDS,
  TEMPLATES,
  type CellDef,
  type Label,
  type TemplateId
} from './templates.js'

export type Severity = 'error' | 'warning'

export interface Violation {
  rule: string
  severity: Severity
  /** Every cell involved, as JSON Pointers into the report. */
  cells: string[]
  /** The two sides of the comparison; null where a rule compares no figures. */
  left: number | null
  right: number | null
  message: Label
}

/** What a rule's evaluation finds: a violation before the table stamps it with the rule's id and severity. */
export type Finding = Omit<Violation, 'rule' | 'severity'>

export interface RuleContext {
  report: Report
  /** The same unit's current report for `year − 1`, when one is stored. */
  previous?: Report | undefined
  /** The district's other reports of the year, for the rules that compare with them. */
  peers?: PeerContext | undefined
}

export type NarrativePart = 'overview' | 'problems'

export interface PeerContext {
  /** Sketches of this report's prose (quality.signature), computed once by the caller. */
  own: Record<NarrativePart, number[] | null>
  /** Sketches of the other townships' prose of the same year, and of this unit's previous year. */
  narratives: Array<{ unit: string; year: number; part: NarrativePart; signature: number[] }>
  /** For each compared cell, the figures of the district's other townships (submitted or accepted). */
  cells: Record<string, number[]>
}

/** A fact a rule depends on that an imported page may not state. */
export type RuleNeed = 'unit' | 'year' | 'township'

export interface RuleDef {
  id: string
  severity: Severity
  /**
   * `report`: the report alone; `previousYear`: compared with the unit's report for year − 1;
   * `peers`: compared with the district's other reports of the year.
   */
  scope: 'report' | 'previousYear' | 'peers'
  /** The templates the rule applies to. */
  templates: readonly TemplateId[]
  /**
   * What the rule needs to know of the report beyond its tables (a rule of another scope also
   * needs the unit and the year, to find what it compares with).
   */
  needs?: readonly RuleNeed[]
  description: Label
  evaluate(context: Evaluating): Finding[]
}

/**
 * What a rule is given: the context, with the report's cells (and the previous year's) read once
 * for all the rules, as a CellRow, rather than through each cell's path by every rule that reads it.
 */
export interface Evaluating extends RuleContext {
  cells: CellRow
  previousCells?: CellRow | undefined
}

type Path = readonly string[]

/** A cell as the rules read it: where it is in a CellRow, and its JSON Pointer for a finding. */
interface Cell {
  index: number
  pointer: string
}
const INDEX = new Map(ALL_CELLS.map((cell, index) => [cell.code, index]))
function cellAt(path: Path): Cell {
  const index = INDEX.get(path.join('.'))
  if (index === undefined) throw new Error(`No cell ${path.join('.')} in any template`)
  return { index, pointer: '/' + path.join('/') }
}
/** A template's cell definition with its place in a CellRow. */
const indexed = (cell: CellDef) => ({ ...cell, index: cellAt(cell.path).index })

/** A cell's value as a rule sees it: null (not reported) counts as 0, and W-INCOMPLETE says so. */
function value(cells: CellRow, cell: Cell): number {
  return cells[cell.index] ?? 0
}

function sum(cells: CellRow, of: readonly Cell[]): number {
  let total = 0
  for (const cell of of) total += value(cells, cell)
  return total
}

/**
 * The body of every "one side = the other" rule: a finding naming the cells of both sides when
 * their sums differ.
 */
function unequal(
  cells: CellRow,
  left: readonly Cell[],
  right: readonly Cell[],
  message: (l: number, r: number) => Label
) {
  const l = sum(cells, left)
  const r = sum(cells, right)
  if (l === r) return []
  return [{ cells: [...left, ...right].map((c) => c.pointer), left: l, right: r, message: message(l, r) }]
}

/** The rows of a table that carry cells, each with its path and printed labels. */
function leafRows(template: TemplateId, table: string): Array<{ path: string[]; label: Label; cells: CellDef[] }> {
  const rows = new Map<string, { path: string[]; label: Label; cells: CellDef[] }>()
  for (const cell of TEMPLATES[template].cells) {
    if (cell.table !== table) continue
    const rowPath = cell.path.slice(0, -1)
    const key = rowPath.join('.')
    let row = rows.get(key)
    if (!row) {
      row = { path: rowPath, label: cell.rowLabel, cells: [] }
      rows.set(key, row)
    }
    row.cells.push(cell)
  }
  return [...rows.values()]
}

const APPLICANT_PARTS = APPLICANT_COLUMNS.filter((c) => c.key !== 'total')
const APPEAL_PARTS = APPEAL_COLUMNS.filter((c) => c.key !== 'total')
const at = (row: readonly string[], column: string) => cellAt([...row, column])
const OUTCOMES = ['requests', 'outcomes']

/**
 * Every comparison a template's rules make, with the cell paths on each side, worked out once
 * per template so that evaluating a report only reads cells (validation runs on every request).
 */
function planFor(template: TemplateId) {
  const requestRows = leafRows(template, 'requests')
  const outcomeRows = requestRows
    .map((row) => row.path)
    .filter((path) => path[1] === 'outcomes' && path.join('.') !== 'requests.outcomes.total')
  const proactiveRows = leafRows(template, 'proactive')
  const withColumn = (key: string) => proactiveRows.filter((row) => row.cells.some((c) => c.path.at(-1) === key))
  return {
    balance: APPLICANT_COLUMNS.map((column) => ({
      column,
      left: [at(['requests', 'received'], column.key), at(['requests', 'carriedOver'], column.key)],
      right: [at([...OUTCOMES, 'total'], column.key), at(['requests', 'carriedForward'], column.key)]
    })),
    rowTotals: requestRows.map((row) => ({
      label: row.label,
      total: at(row.path, 'total'),
      parts: APPLICANT_PARTS.map((column) => at(row.path, column.key))
    })),
    outcomeTotals: APPLICANT_COLUMNS.map((column) => ({
      column,
      total: at([...OUTCOMES, 'total'], column.key),
      parts: outcomeRows.map((row) => at(row, column.key))
    })),
    appealTotals: leafRows(template, 'appeals').map((group) => ({
      label: group.label,
      total: at(group.path, 'total'),
      parts: APPEAL_PARTS.map((column) => at(group.path, column.key))
    })),
    carry: APPLICANT_COLUMNS.map((column) => ({
      column,
      here: at(['requests', 'carriedOver'], column.key),
      there: at(['requests', 'carriedForward'], column.key)
    })),
    negative: withColumn('change').map((row) => ({
      label: row.label,
      cells: [at(row.path, 'previousCount'), at(row.path, 'change')]
    })),
    inForce: withColumn('inForce').map((row) => ({
      label: row.label,
      inForce: at(row.path, 'inForce'),
      issued: at(row.path, 'issued'),
      repealed: at(row.path, 'repealed')
    })),
    regulations: TEMPLATES[template].cells.filter((c) => c.path[1] === 'regulations').map(indexed),
    cells: TEMPLATES[template].cells.map(indexed),
    // Year-on-year: the total of every row of 三 and 四, and 二's counts of the same meaning.
    jumpCells: TEMPLATES[template].cells
      .filter(
        (c) =>
          (c.table !== 'proactive' && c.path.at(-1) === 'total') ||
          (c.table === 'proactive' && c.path.at(-1) === 'decisions')
      )
      .map(indexed),
    outlierCells: TEMPLATES[template].cells.filter((c) => OUTLIER_CODES.includes(c.code)).map(indexed)
  }
}

/** The plan of a template, its hand-named cells checked against the template. */
function checkedPlan(template: TemplateId) {
  const plan = planFor(template)
  const named = [
    ...plan.balance.flatMap(({ left, right }) => [...left, ...right]),
    ...plan.carry.flatMap(({ here, there }) => [here, there]),
    ...plan.outcomeTotals.map(({ total }) => total),
    ...plan.rowTotals.flatMap(({ total, parts }) => [total, ...parts]),
    ...plan.appealTotals.flatMap(({ total, parts }) => [total, ...parts])
  ]
  requireCells(
    named.map((cell) => ALL_CELLS[cell.index]!.code),
    [template]
  )
  return plan
}

/** The figures compared with the district's other townships: the headline ones, in both templates. */
export const OUTLIER_CODES: readonly string[] = requireCells([
  'requests.received.total',
  'requests.outcomes.total.total',
  'requests.carriedForward.total',
  'appeals.reconsideration.total',
  'proactive.licensing.decisions',
  'proactive.penalties.decisions'
])

const PLANS = Object.fromEntries(TEMPLATE_IDS.map((id) => [id, checkedPlan(id)])) as Record<
  TemplateId,
  ReturnType<typeof planFor>
>

export const RULES: readonly RuleDef[] = [
  {
    id: 'E-REQ-BALANCE',
    severity: 'error',
    scope: 'report',
    templates: TEMPLATE_IDS,
    description: {
      zh: '三：每一列第一项加第二项之和，等于第三项加第四项之和',
      en: 'III: in every column, received + carried over = outcomes total + carried forward'
    },
    evaluate: ({ report, cells }) =>
      PLANS[report.template].balance.flatMap(({ column, left, right }) =>
        unequal(cells, left, right, (l, r) => ({
          zh: `${column.zh}列：第一项加第二项之和（${l}）不等于第三项加第四项之和（${r}）`,
          en: `${column.en}: received + carried over (${l}) ≠ processed + carried forward (${r})`
        }))
      )
  },
  {
    id: 'E-REQ-ROW-TOTAL',
    severity: 'error',
    scope: 'report',
    templates: TEMPLATE_IDS,
    description: {
      zh: '三：每一行的总计等于自然人与各类法人或其他组织之和',
      en: 'III: in every row, total = natural persons + every kind of organisation'
    },
    evaluate: ({ report, cells }) =>
      PLANS[report.template].rowTotals.flatMap(({ label, total, parts }) =>
        unequal(cells, [total], parts, (l, r) => ({
          zh: `${label.zh}：总计（${l}）不等于各类申请人之和（${r}）`,
          en: `${label.en}: total (${l}) ≠ sum of the applicant columns (${r})`
        }))
      )
  },
  {
    id: 'E-REQ-OUTCOME-TOTAL',
    severity: 'error',
    scope: 'report',
    templates: TEMPLATE_IDS,
    description: {
      zh: '三：每一列（七）总计等于（一）至（六）各项办理结果之和',
      en: 'III: in every column, the outcomes total = the sum of every outcome row'
    },
    evaluate: ({ report, cells }) =>
      PLANS[report.template].outcomeTotals.flatMap(({ column, total, parts }) =>
        unequal(cells, [total], parts, (l, r) => ({
          zh: `${column.zh}列：（七）总计（${l}）不等于各项办理结果之和（${r}）`,
          en: `${column.en}: outcomes total (${l}) ≠ sum of the outcomes (${r})`
        }))
      )
  },
  {
    id: 'E-APPEAL-TOTAL',
    severity: 'error',
    scope: 'report',
    templates: TEMPLATE_IDS,
    description: {
      zh: '四：每一组的总计等于结果维持、结果纠正、其他结果、尚未审结之和',
      en: 'IV: in every group, total = upheld + corrected + other + pending'
    },
    evaluate: ({ report, cells }) =>
      PLANS[report.template].appealTotals.flatMap(({ label, total, parts }) =>
        unequal(cells, [total], parts, (l, r) => ({
          zh: `${label.zh}：总计（${l}）不等于结果维持、结果纠正、其他结果、尚未审结之和（${r}）`,
          en: `${label.en}: total (${l}) ≠ upheld + corrected + other + pending (${r})`
        }))
      )
  },
  {
    id: 'E-PROACTIVE-NEGATIVE',
    severity: 'error',
    scope: 'report',
    templates: ['gb2019'],
    description: {
      zh: '二：上一年项目数量加本年增/减不得为负数',
      en: 'II: items in the previous year + change this year must not be negative'
    },
    evaluate: ({ report, cells }) =>
      PLANS[report.template].negative.flatMap(({ label, cells: both }) => {
        const left = sum(cells, both)
        if (left >= 0) return []
        return [
          {
            cells: both.map((c) => c.pointer),
            left,
            right: 0,
            message: {
              zh: `${label.zh}：上一年项目数量加本年增/减为负数（${left}）`,
              en: `${label.en}: previous count + change is negative (${left})`
            }
          }
        ]
      })
  },
  {
    id: 'W-CARRY-CONTINUITY',
    severity: 'warning',
    scope: 'previousYear',
    templates: TEMPLATE_IDS,
    description: {
      zh: '三：上年结转数量等于上一年度报告的结转下年度继续办理数量',
      en: "III: carried over = the previous year's report's carried forward, in every column"
    },
    evaluate: ({ report, cells, previous, previousCells }) => {
      if (!previous || !previousCells) return []
      return PLANS[report.template].carry.flatMap(({ column, here, there }) => {
        const left = value(cells, here)
        const right = value(previousCells, there)
        if (left === right) return []
        return [
          {
            cells: [here.pointer],
            left,
            right,
            message: {
              zh: `${column.zh}列：上年结转（${left}）不等于${previous.year}年度报告的结转下年度继续办理（${right}）`,
              en: `${column.en}: carried over (${left}) ≠ carried forward in the ${previous.year} report (${right})`
            }
          }
        ]
      })
    }
  },
  {
    id: 'W-INFORCE-CONTINUITY',
    severity: 'warning',
    scope: 'previousYear',
    templates: ['gb2021'],
    description: {
      zh: '二：现行有效件数等于上一年度现行有效件数加本年制发件数减本年废止件数（上一年度也用2021年格式时）',
      en: "II: in force = the previous year's in force + issued − repealed (when the previous report is also gb2021)"
    },
    evaluate: ({ report, cells, previous, previousCells }) => {
      if (report.template !== 'gb2021' || previous?.template !== 'gb2021' || !previousCells) return []
      return PLANS.gb2021.inForce.flatMap(({ label, inForce, issued, repealed }) => {
        const left = value(cells, inForce)
        const right = value(previousCells, inForce) + value(cells, issued) - value(cells, repealed)
        if (left === right) return []
        return [
          {
            cells: [inForce, issued, repealed].map((c) => c.pointer),
            left,
            right,
            message: {
              zh: `${label.zh}：现行有效件数（${left}）不等于上年现行有效件数加本年制发减本年废止（${right}）`,
              en: `${label.en}: in force (${left}) ≠ last year's in force + issued − repealed (${right})`
            }
          }
        ]
      })
    }
  },
  {
    id: 'W-TEMPLATE-YEAR',
    severity: 'warning',
    scope: 'report',
    templates: TEMPLATE_IDS,
    needs: ['year'],
    description: {
      zh: '2021年及以后的报告使用了2019年格式，或2020年及以前的报告使用了2021年格式',
      en: 'gb2019 used for a year ≥ 2021, or gb2021 for a year ≤ 2020'
    },
    evaluate: ({ report }) => {
      if (isNormalYear(report.template, report.year)) return []
      return [
        {
          cells: ['/template'],
          left: null,
          right: null,
          message: {
            zh: `${report.year}年度报告使用了${TEMPLATES[report.template].issuedBy}印发的格式`,
            en: `The ${report.year} report uses the ${report.template} template`
          }
        }
      ]
    }
  },
  {
    id: 'W-TOWNSHIP-REGULATIONS',
    severity: 'warning',
    scope: 'report',
    templates: TEMPLATE_IDS,
    needs: ['township'],
    description: {
      zh: '乡镇（街道）填报了规章：只有设区的市以上人民政府制定规章',
      en: 'A township reports 规章 (only governments of cities with districts and above make regulations)'
    },
    evaluate: ({ report, cells }) => {
      const reported = PLANS[report.template].regulations.filter((c) => value(cells, c) > 0)
      if (reported.length === 0) return []
      const left = sum(cells, reported)
      return [
        {
          cells: reported.map((c) => c.pointer),
          left,
          right: 0,
          message: {
            zh: `乡镇（街道）填报了规章（合计${left}）`,
            en: `A township reports regulations (${left} in all)`
          }
        }
      ]
    }
  },
  {
    id: 'W-NARRATIVE-COPY',
    severity: 'warning',
    scope: 'peers',
    templates: TEMPLATE_IDS,
    description: {
      zh: `一、总体情况或五、存在的主要问题与本区县同年度另一乡镇（街道）的报告或本单位上一年度的报告内容雷同（相似度≥${COPY_THRESHOLD}）`,
      en:
        `The prose of part 一 or 五 is nearly the same (similarity ≥ ${COPY_THRESHOLD}) as another township's ` +
        "report of the district and year, or the unit's previous year"
    },
    evaluate: ({ report, peers }) => {
      if (!peers) return []
      return (['overview', 'problems'] as const).flatMap((part) => {
        const own = peers.own[part]
        if (!own) return []
        let best: { unit: string; year: number; score: number } | undefined
        for (const other of peers.narratives) {
          if (other.part !== part) continue
          const score = similarity(own, other.signature)
          if (score >= COPY_THRESHOLD && score > (best?.score ?? 0))
            best = { unit: other.unit, year: other.year, score }
        }
        if (!best) return []
        const name = NARRATIVE_PARTS[part]
        const same = best.unit === report.unit
        return [
          {
            cells: [`/narrative/${part}`],
            left: Math.round(best.score * 100) / 100,
            right: COPY_THRESHOLD,
            message: {
              zh: `${name.zh}与${same ? '本单位' : best.unit}${best.year}年度报告的同一部分内容雷同（相似度${best.score.toFixed(2)}）`,
              en:
                `${name.en} is nearly the same as in the ${best.year} report of ${same ? 'this unit' : best.unit} ` +
                `(similarity ${best.score.toFixed(2)})`
            }
          }
        ]
      })
    }
  },
  {
    id: 'W-TEXT-TABLE',
    severity: 'warning',
    scope: 'report',
    templates: TEMPLATE_IDS,
    description: {
      zh: '一、总体情况中明确写出的数字与表格不一致（如「共受理政府信息公开申请0件」而三、一、总计为3）',
      en:
        'A figure stated plainly in part 一 contradicts the table ' +
        '(e.g. “received 0 applications” while table 三 says 3)'
    },
    evaluate: ({ report, cells }) =>
      statedFigures(report.narrative?.overview).flatMap((stated) => {
        const named = stated.cells.map((code) => cellAt(code.split('.')))
        const table = sum(cells, named)
        if (table === stated.value) return []
        return [
          {
            cells: ['/narrative/overview', ...named.map((c) => c.pointer)],
            left: stated.value,
            right: table,
            message: {
              zh: `总体情况称${stated.what.zh}为${stated.value}（“${stated.quote}”），表格为${table}`,
              en:
                `The overview states ${stated.value} ${stated.what.en} (“${stated.quote}”) ` +
                `but the table says ${table}`
            }
          }
        ]
      })
  },
  {
    id: 'W-YOY-JUMP',
    severity: 'warning',
    scope: 'previousYear',
    templates: TEMPLATE_IDS,
    description: {
      zh: `与上一年度相比，某项数量变化超过${JUMP_FACTOR}倍（两年中较大者不少于${JUMP_MINIMUM}）`,
      en:
        `A count changed by more than ×${JUMP_FACTOR} either way against the previous year ` +
        `(the larger of the two at least ${JUMP_MINIMUM})`
    },
    evaluate: ({ report, cells, previous, previousCells }) => {
      if (!previous || !previousCells) return []
      return PLANS[report.template].jumpCells.flatMap((cell) => {
        const before = previousCells[cell.index]
        const now = cells[cell.index]
        if (before == null || now == null || !isJump(before, now)) return []
        return [
          {
            cells: [cell.pointer],
            left: now,
            right: before,
            message: {
              zh: `${cell.zh}：${previous.year}年度为${before}，本年度为${now}`,
              en: `${cell.en}: ${before} in ${previous.year}, ${now} this year`
            }
          }
        ]
      })
    }
  },
  {
    id: 'W-PEER-OUTLIER',
    severity: 'warning',
    scope: 'peers',
    templates: TEMPLATE_IDS,
    description: {
      zh: `某项数量远离本区县其他乡镇（街道）（修正z分数绝对值大于${OUTLIER_THRESHOLD}，至少${MIN_PEERS}个可比单位）`,
      en:
        `A figure far from the district's other townships ` +
        `(modified z-score beyond ±${OUTLIER_THRESHOLD}, at least ${MIN_PEERS} peers)`
    },
    evaluate: ({ report, cells, peers }) => {
      if (!peers) return []
      return PLANS[report.template].outlierCells.flatMap((cell) => {
        const value = cells[cell.index]
        const others = peers.cells[cell.code]
        if (value == null || !others) return []
        const z = modifiedZ(value, others)
        if (z === null || Math.abs(z) <= OUTLIER_THRESHOLD) return []
        const sorted = [...others].sort((a, b) => a - b)
        const middle = sorted[Math.floor(sorted.length / 2)]!
        return [
          {
            cells: [cell.pointer],
            left: value,
            right: middle,
            message: {
              zh: `${cell.zh}为${value}，本区县其他${others.length}个乡镇（街道）的中位数约为${middle}（修正z分数${z.toFixed(1)}）`,
              en:
                `${cell.en} is ${value}; the district's other ${others.length} townships are around ${middle} ` +
                `(modified z-score ${z.toFixed(1)})`
            }
          }
        ]
      })
    }
  },
  {
    id: 'W-INCOMPLETE',
    severity: 'warning',
    scope: 'report',
    templates: TEMPLATE_IDS,
    description: {
      zh: '有未填报的单元格（空白或“/”），校验时按0计',
      en: 'Some cells were not reported (blank or "/"); the rules counted them as 0'
    },
    evaluate: ({ report, cells }) => {
      const missing = PLANS[report.template].cells.filter((c) => cells[c.index] == null)
      if (missing.length === 0) return []
      return [
        {
          cells: missing.map((c) => c.pointer),
          left: missing.length,
          right: null,
          message: {
            zh: `${missing.length}个单元格未填报，校验时按0计`,
            en: `${missing.length} cells not reported; counted as 0 by the rules`
          }
        }
      ]
    }
  }
]

export interface Evaluation {
  valid: boolean
  errors: Violation[]
  warnings: Violation[]
}

/** What is known of the report besides its tables: everything, for a stored report. */
export type Known = Record<RuleNeed, boolean>
export const ALL_KNOWN: Known = { unit: true, year: true, township: true }

/** A rule that could not run, and why (an imported page that does not name its unit, say). */
export interface SkippedRule {
  rule: string
  skipped: string
}

const NEED_REASONS: Record<RuleNeed, string> = {
  unit: 'unit unknown',
  year: 'year unknown',
  township: 'the organ is not a township'
}

/** What a rule needs: its own needs, and the unit and year for comparing with other reports. */
export const needsOf = (rule: RuleDef): readonly RuleNeed[] =>
  rule.scope === 'report' ? (rule.needs ?? []) : ['unit', 'year', ...(rule.needs ?? [])]

/**
 * Runs every rule of the report's template that can run on what is known, in table order, and
 * lists the others with the reason they were skipped.
 */
export function evaluateAvailable(context: RuleContext, known: Known): Evaluation & { skipped: SkippedRule[] } {
  const errors: Violation[] = []
  const warnings: Violation[] = []
  const skipped: SkippedRule[] = []
  const evaluating: Evaluating = {
    ...context,
    cells: cellRowOf(context.report),
    previousCells: context.previous && cellRowOf(context.previous)
  }
  for (const rule of RULES) {
    if (!rule.templates.includes(context.report.template)) continue
    const missing = needsOf(rule).filter((need) => !known[need])
    if (missing.length > 0) {
      skipped.push({ rule: rule.id, skipped: missing.map((need) => NEED_REASONS[need]).join(', ') })
      continue
    }
    const found = rule.severity === 'error' ? errors : warnings
    for (const finding of rule.evaluate(evaluating)) found.push({ rule: rule.id, severity: rule.severity, ...finding })
  }
  return { valid: errors.length === 0, errors, warnings, skipped }
}

/** Runs every rule that applies to the report's template, in table order. */
export function evaluateRules(context: RuleContext): Evaluation {
  const { skipped: _, ...evaluation } = evaluateAvailable(context, ALL_KNOWN)
  return evaluation
}

// The canonical report: its shape, reading cells out of it, and comparing two reports. Free of
// Node's modules: the entry page runs it (with the rules) in the browser.
import { ALL_CELLS, TEMPLATES, type CellDef, type TemplateId } from './templates.js'

export const REPORT_STATUSES = ['draft', 'submitted', 'accepted', 'returned'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]
/** Submitted and accepted reports are public documents; drafts and returned ones are not. */
export const PUBLIC_STATUSES = ['submitted', 'accepted'] as const satisfies readonly ReportStatus[]
export type PublicStatus = (typeof PUBLIC_STATUSES)[number]
export function isPublic(status: string): boolean {
  return (PUBLIC_STATUSES as readonly string[]).includes(status)
}
/** Each status as a Chinese office names it. */
export const STATUS_ZH: Readonly<Record<ReportStatus, string>> = {
  draft: '草稿',
  submitted: '已报送（待审核）',
  accepted: '已审核通过',
  returned: '已退回'
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

/** Whatever is at a path of a tree of objects (a report, an aggregate), or undefined. */
export function valueAt(tree: unknown, path: readonly string[]): unknown {
  let node = tree
  for (const key of path) node = (node as Record<string, unknown> | null | undefined)?.[key]
  return node
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

/**
 * A report's cells as one array in ALL_CELLS order, as the rules read them and the current-cells
 * row stores them: the rules index it, a write binds it as is and the rollups subtract two of
 * them index by index (an object of two hundred keys costs more to build and to walk than the
 * statements that use it).
 */
export type CellRow = Array<number | null>

/**
 * The cells grouped by the object that holds them (some forty for two hundred cells), each
 * with its index in a CellRow: a report's objects are walked to once each, not once per cell.
 */
const GROUPS = (() => {
  const byParent = new Map<string, { parent: readonly string[]; leaves: Array<[number, string]> }>()
  ALL_CELLS.forEach((cell, index) => {
    const parent = cell.path.slice(0, -1)
    const key = parent.join('.')
    let group = byParent.get(key)
    if (!group) byParent.set(key, (group = { parent, leaves: [] }))
    group.leaves.push([index, cell.path.at(-1)!])
  })
  return [...byParent.values()]
})()

/** The cells of a report as a row holds them: what readCell finds at each cell's path, null for nothing. */
export function cellRowOf(report: Pick<Report, 'proactive' | 'requests' | 'appeals'>): CellRow {
  const row: CellRow = new Array<number | null>(ALL_CELLS.length).fill(null)
  for (const { parent, leaves } of GROUPS) {
    let node: unknown = report
    for (let i = 0; i < parent.length && typeof node === 'object' && node !== null; i++)
      node = (node as Record<string, unknown>)[parent[i]!]
    if (typeof node !== 'object' || node === null) continue
    for (const [index, key] of leaves) {
      const value = (node as Record<string, unknown>)[key]
      if (typeof value === 'number') row[index] = value
    }
  }
  return row
}

/** Every cell of the report's template with its value, in template order. */
export function cellValues(report: Report): Array<{ cell: CellDef; value: CellValue }> {
  return TEMPLATES[report.template].cells.map((cell) => ({ cell, value: readCell(report, cell.path) ?? null }))
}

/**
 * Stable JSON: object keys sorted at every depth, so equal content gives equal text. The very
 * text of `JSON.stringify` with sorted keys (stored hashes depend on it), written out directly:
 * a replacer that rebuilds every object sorted costs five times as much, on every PUT.
 */
export function canonicalJson(value: unknown): string {
  // For JSON values as parsed (no toJSON methods, no cycles).
  return stringify(value) ?? 'null'
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/
// A report has a few hundred distinct keys, written on every PUT: quoted once (bounded, as any
// JSON may come through here).
const QUOTED_KEYS = new Map<string, string>()
function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key)
  if (quoted === undefined) {
    quoted = JSON.stringify(key) + ':'
    if (QUOTED_KEYS.size < 10_000) QUOTED_KEYS.set(key, quoted)
  }
  return quoted
}

/**
 * Sorts `keys[from..]` in place by UTF-16 code units (as `<` and the default sort compare). The
 * objects of a report hold a few keys each: an insertion sort allocates nothing, where
 * `Array.prototype.sort` made over a quarter of a PUT's garbage on the server's thread.
 */
function sortFrom(keys: string[], from: number): void {
  if (keys.length - from > 64) {
    if (from === 0) keys.sort()
    else keys.splice(from, keys.length, ...keys.slice(from).sort())
    return
  }
  for (let i = from + 1; i < keys.length; i++) {
    const key = keys[i]!
    let j = i - 1
    while (j >= from && keys[j]! > key) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = key
  }
}

function stringify(value: unknown): string | undefined {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null' // String(-0) is "0", as in JSON
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      break
    default:
      return undefined // undefined, functions and symbols, as JSON.stringify leaves them out
  }
  if (Array.isArray(value)) {
    let text = '['
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + (stringify(value[i]) ?? 'null')
    return text + ']'
  }
  const object = value as Record<string, unknown>
  // Integer-like keys come first in ascending order, as objects keep them; the others sorted by
  // UTF-16 code units (the default sort, as `<` compares).
  const keys = Object.keys(object)
  let indices = 0
  while (indices < keys.length && ARRAY_INDEX.test(keys[indices]!) && Number(keys[indices]) < 2 ** 32 - 1) indices++
  sortFrom(keys, indices)
  let text = '{'
  for (const key of keys) {
    const item = stringify(object[key])
    if (item === undefined) continue
    text += (text.length === 1 ? '' : ',') + quotedKey(key) + item
  }
  return text + '}'
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

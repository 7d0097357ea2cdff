// A cell's figure as people write it: in a published table (the importer) or typed and pasted
// into the entry form. Full-width digits from a Chinese input method, thousands separators,
// spaces, 元/万元 and the marks printed for "not reported" (/, —, 无) are all read here, once.
import type { CellDef, CellType } from './templates.js'

export type ReadValue = { kind: 'blank' } | { kind: 'number'; value: number; unit?: 'yuan' | 'wan' } | { kind: 'text' }

const BLANK = new Set(['', '/', '-', '--', '—', '——', '无', '空', 'null', 'n/a', '——'])

/** A cell as data: a number (signed, decimal, with 元 or 万元), a blank, or text that is no value. */
export function readValue(raw: string): ReadValue {
  const text = raw
    .normalize('NFKC')
    .replace(/[\s,，]+/g, '')
    .replace(/^＋/, '+')
    .replace(/^[−–]/, '-')
  if (BLANK.has(text.toLowerCase())) return { kind: 'blank' }
  const match = /^([+-]?\d+(?:\.\d+)?)(万元|元)?$/.exec(text)
  if (!match) return { kind: 'text' }
  const value = Number(match[1])
  if (!Number.isFinite(value)) return { kind: 'text' }
  return match[2] ? { kind: 'number', value, unit: match[2] === '元' ? 'yuan' : 'wan' } : { kind: 'number', value }
}

/** Whether a figure suits its cell: counts are integers ≥ 0, 本年增/减 any integer, amounts ≥ 0. */
export function fitsType(type: CellType, value: number): boolean {
  return type === 'amount' ? value >= 0 : Number.isInteger(value) && (type === 'signedCount' || value >= 0)
}

export type Reading = { value: number | null } | { invalid: string }

const TYPE_RULES: Record<CellType, string> = {
  count: '须填非负整数',
  signedCount: '须填整数（减少填负数）',
  amount: '须填非负数，可有小数'
}

/** What a clerk's typed or pasted text means for a cell: a figure, blank (null, never 0), or the rule it breaks. */
export function readField(cell: Pick<CellDef, 'type'>, text: string): Reading {
  const read = readValue(text)
  if (read.kind === 'blank') return { value: null }
  if (read.kind === 'text' || read.unit !== undefined || !fitsType(cell.type, read.value))
    return { invalid: TYPE_RULES[cell.type] }
  return { value: read.value }
}

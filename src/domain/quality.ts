// Data quality beyond the template's arithmetic: prose copied from another report (MinHash of
// character shingles), figures in the prose that contradict the table, year-on-year jumps, and
// figures far from the district's other townships (modified z-score). Pure.
import { requireCells } from './templates.js'

// ─── Copied prose ────────────────────────────────────────────────────────────────────────────
//
// Method: the set of 5-character shingles of the text (Chinese has no word breaks, and five
// characters are about two words: small edits change few shingles, a different text shares
// almost none), compared by Jaccard similarity, estimated from a bottom-k MinHash sketch (the
// 128 smallest shingle hashes) kept with each report: one hash per shingle, so a signature costs
// well under a millisecond, and comparing two is a merge of two sorted lists. The estimate's
// standard error at J = 0.9 is about √(0.9·0.1/128) ≈ 0.027, so ≥ 0.9 is a clear signal; texts
// under 80 characters after cleaning (e.g. 「无」) are too short to judge.

export const SHINGLE = 5
export const SKETCH_SIZE = 128
export const COPY_THRESHOLD = 0.9
export const MIN_TEXT_LENGTH = 80

/** Punctuation and white space removed: copying survives re-punctuation. */
const cleanText = (text: string) => text.normalize('NFKC').replace(/[\s\p{P}\p{S}]+/gu, '')

/** FNV-1a with a murmur3 finaliser: 32 well-mixed bits per shingle. */
function hash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The bottom-k sketch of a text (sorted, distinct), or null when the text is too short to judge. */
export function signature(text: string | null | undefined): number[] | null {
  const clean = cleanText(text ?? '')
  if (clean.length < MIN_TEXT_LENGTH) return null
  const hashes = new Uint32Array(clean.length - SHINGLE + 1)
  for (let i = 0; i < hashes.length; i++) hashes[i] = hash(clean, i, i + SHINGLE)
  hashes.sort()
  const sketch: number[] = []
  for (let i = 0; i < hashes.length && sketch.length < SKETCH_SIZE; i++)
    if (i === 0 || hashes[i] !== hashes[i - 1]) sketch.push(hashes[i]!)
  return sketch
}

/** Estimated Jaccard similarity: of the k smallest hashes of the union, the share in both. */
export function similarity(a: readonly number[], b: readonly number[]): number {
  // Both sketches are sorted and distinct: merging them walks the union in order.
  let i = 0
  let j = 0
  let seen = 0
  let both = 0
  while (seen < SKETCH_SIZE && (i < a.length || j < b.length)) {
    const x = i < a.length ? a[i]! : Infinity
    const y = j < b.length ? b[j]! : Infinity
    if (x === y) {
      both++
      i++
      j++
    } else if (x < y) i++
    else j++
    seen++
  }
  return seen === 0 ? 0 : both / seen
}

// ─── Figures stated in the prose ─────────────────────────────────────────────────────────────
//
// Only phrasings that name one table figure without doubt; a false alarm is worse than a miss.
// Each pattern's number is the figure; the cells give the table's figure to compare with.

export interface StatedFigure {
  /** What the prose says, as quoted. */
  quote: string
  value: number
  /** The table cells whose sum the statement is about. */
  cells: string[]
  what: { zh: string; en: string }
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9
}
const NUMBER = '(\\d+|[零〇一二两三四五六七八九十百]+)'

/** 13, or 十三, 二十, 一百零五 … up to 999. */
export function readNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text)
  let total = 0
  let digit = 0
  for (const char of text) {
    if (char in CN_DIGITS) digit = CN_DIGITS[char]!
    else if (char === '十') {
      total += (digit || 1) * 10
      digit = 0
    } else if (char === '百') {
      total += (digit || 1) * 100
      digit = 0
    } else return null
  }
  return total + digit
}

const PATTERNS: Array<{ pattern: RegExp; cells: string[]; what: { zh: string; en: string } }> = [
  {
    // 共受理政府信息公开申请0件 / 本年度共收到政府信息公开申请3件 / 新收政府信息公开申请 12 件
    pattern: new RegExp(
      `(?:共|本年度?|全年)(?:受理|收到|新收)(?:了)?(?:政府信息)?(?:公开)?申请\\s*${NUMBER}\\s*(?:件|个|份)`,
      'u'
    ),
    cells: ['requests.received.total'],
    what: { zh: '本年新收政府信息公开申请数量', en: 'applications received this year' }
  },
  {
    // 收到行政复议申请1件 / 发生政府信息公开行政复议案件2件
    pattern: new RegExp(
      `(?:收到|发生|共有)(?:政府信息公开)?(?:类)?行政复议(?:申请|案件)?\\s*${NUMBER}\\s*(?:件|起|宗)`,
      'u'
    ),
    cells: ['appeals.reconsideration.total'],
    what: { zh: '行政复议总计', en: 'administrative reconsiderations' }
  },
  {
    // 行政诉讼案件0件 / 被提起行政诉讼2起
    pattern: new RegExp(
      `(?:提起|发生|收到)(?:政府信息公开)?(?:类)?行政诉讼(?:案件)?\\s*${NUMBER}\\s*(?:件|起|宗)`,
      'u'
    ),
    cells: ['appeals.litigationDirect.total', 'appeals.litigationAfterReconsideration.total'],
    what: { zh: '行政诉讼总计（两类之和）', en: 'litigation (both groups)' }
  }
]
requireCells(PATTERNS.flatMap((p) => p.cells))

/** Every figure the prose states in an unambiguous phrasing. */
export function statedFigures(text: string | null | undefined): StatedFigure[] {
  if (!text) return []
  const normalized = text.normalize('NFKC')
  const found: StatedFigure[] = []
  for (const { pattern, cells, what } of PATTERNS) {
    const match = pattern.exec(normalized)
    const value = match ? readNumber(match[1]!) : null
    if (match && value !== null) found.push({ quote: match[0], value, cells, what })
  }
  return found
}

// ─── Year-on-year jumps ─────────────────────────────────────────────────────────────────────

export const JUMP_FACTOR = 5
/** Below this (in the larger of the two years) a change is no alarm: 0 → 2 is ordinary. */
export const JUMP_MINIMUM = 20

/** Whether a count moved by more than JUMP_FACTOR either way, at a size that matters. */
export function isJump(previous: number, current: number): boolean {
  if (Math.max(previous, current) < JUMP_MINIMUM) return false
  const low = Math.min(previous, current)
  const high = Math.max(previous, current)
  return low === 0 ? true : high / low > JUMP_FACTOR
}

// ─── Peer outliers ──────────────────────────────────────────────────────────────────────────
//
// Iglewicz and Hoaglin's modified z-score, M = 0.6745 (x − median) / MAD, with |M| > 3.5 as an
// outlier: robust to the outliers themselves, unlike a mean and standard deviation. With fewer
// than five peers, or a MAD of 0 (most peers equal), nothing is flagged.

export const OUTLIER_THRESHOLD = 3.5
export const MIN_PEERS = 5

// A typed array sorts numerically without a comparator: several times faster than Array#sort,
// and every PUT takes two medians for each figure the outlier rule compares.
const median = (values: ArrayLike<number>) => {
  const sorted = Float64Array.from(values).sort()
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The modified z-score of `value` among `peers` (the other townships), or null when undefined. */
export function modifiedZ(value: number, peers: readonly number[]): number | null {
  if (peers.length < MIN_PEERS) return null
  const m = median(peers)
  const deviations = new Float64Array(peers.length)
  for (let i = 0; i < peers.length; i++) deviations[i] = Math.abs(peers[i]! - m)
  const mad = median(deviations)
  if (mad === 0) return null
  return (0.6745 * (value - m)) / mad
}

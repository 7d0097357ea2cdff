// Reading published text as data: normalising labels for matching, and reading cell values.

/** Traditional forms of the characters the templates' labels use (some sites publish in them). */
const TRADITIONAL: Record<string, string> = Object.fromEntries(
  (
    [
      ['規', '规'],
      ['章', '章'],
      ['製', '制'],
      ['數', '数'],
      ['總', '总'],
      ['範', '范'],
      ['許', '许'],
      ['項', '项'],
      ['處', '处'],
      ['決', '决'],
      ['務', '务'],
      ['罰', '罚'],
      ['強', '强'],
      ['費', '费'],
      ['採', '采'],
      ['購', '购'],
      ['額', '额'],
      ['資', '资'],
      ['訊', '讯'],
      ['請', '请'],
      ['會', '会'],
      ['組', '组'],
      ['織', '织'],
      ['計', '计'],
      ['結', '结'],
      ['轉', '转'],
      ['辦', '办'],
      ['開', '开'],
      ['區', '区'],
      ['這', '这'],
      ['屬', '属'],
      ['國', '国'],
      ['祕', '秘'],
      ['禁', '禁'],
      ['險', '险'],
      ['穩', '稳'],
      ['護', '护'],
      ['權', '权'],
      ['類', '类'],
      ['內', '内'],
      ['過', '过'],
      ['執', '执'],
      ['詢', '询'],
      ['無', '无'],
      ['關', '关'],
      ['沒', '没'],
      ['現', '现'],
      ['補', '补'],
      ['後', '后'],
      ['確', '确'],
      ['訪', '访'],
      ['舉', '举'],
      ['報', '报'],
      ['訴', '诉'],
      ['複', '复'],
      ['復', '复'],
      ['當', '当'],
      ['認', '认'],
      ['獲', '获'],
      ['續', '续'],
      ['議', '议'],
      ['維', '维'],
      ['糾', '纠'],
      ['審', '审'],
      ['訟', '讼'],
      ['經', '经'],
      ['發', '发'],
      ['廢', '废'],
      ['效', '效'],
      ['單', '单'],
      ['萬', '万'],
      ['元', '元'],
      ['門', '门'],
      ['約', '约'],
      ['繳', '缴'],
      ['納', '纳'],
      ['與', '与'],
      ['為', '为'],
      ['機', '机'],
      ['構', '构'],
      ['業', '业'],
      ['團', '团'],
      ['體', '体'],
      ['營', '营'],
      ['統', '统'],
      ['實', '实'],
      ['據', '据'],
      ['歷', '历']
    ] satisfies [string, string][]
  ).filter(([a, b]) => a !== b)
)

const NUMBERING = /^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[、.])/

/**
 * A label reduced for comparison: NFKC (full-width brackets, colons and digits become ASCII),
 * Traditional characters to Simplified, no white space or line breaks, no quotation marks.
 */
export function normalizeLabel(text: string): string {
  let out = ''
  for (const char of text.normalize('NFKC')) out += TRADITIONAL[char] ?? char
  return out
    .replace(/[\s\u200b\u3000]+/g, '')
    .replace(/[“”‘’"'「」『』]/g, '')
    .replace(/[:：]$/, '')
}

/** The label without its leading numbering: `(三)不予公开` → `不予公开`. */
export function withoutNumbering(normalized: string): string {
  return normalized.replace(NUMBERING, '')
}

/**
 * Whether a table cell names the label: the same text, or the same without numbering, or cut
 * short (or with words added) as long as four characters of it agree.
 */
export function labelMatches(cell: string, label: string): boolean {
  if (cell === '' || cell === label) return cell !== ''
  const a = withoutNumbering(cell)
  const b = withoutNumbering(label)
  if (a === b) return b.length >= 3 || cell.length === label.length
  return a.length >= 4 && b.length >= 4 && (b.startsWith(a) || a.startsWith(b))
}

export type ReadValue = { kind: 'blank' } | { kind: 'number'; value: number; unit?: 'yuan' | 'wan' } | { kind: 'text' }

const BLANK = new Set(['', '/', '-', '--', '—', '——', '无', '空', 'null', 'n/a', '——'])

/** A cell as data: a number (signed, decimal, with 元 or 万元), a blank, or text that is no value. */
export function readValue(raw: string): ReadValue {
  const text = raw
    .normalize('NFKC')
    .replace(/[\s,，]+/g, '')
    .replace(/^＋/, '+')
  if (BLANK.has(text.toLowerCase())) return { kind: 'blank' }
  const match = /^([+-]?\d+(?:\.\d+)?)(万元|元)?$/.exec(text)
  if (!match) return { kind: 'text' }
  const value = Number(match[1])
  if (!Number.isFinite(value)) return { kind: 'text' }
  return match[2] ? { kind: 'number', value, unit: match[2] === '元' ? 'yuan' : 'wan' } : { kind: 'number', value }
}

// Reading published text as data: Traditional pages as Simplified, normalising labels for
// matching, and reading cell values.
import * as openccFromTraditional from 'opencc-js/t2cn'

// Pages in Traditional Chinese (some sites publish them so, or offer a 繁體 version of every
// page) are read as Simplified: OpenCC's Traditional (with Taiwan forms) to mainland Simplified,
// the tables and the prose alike. Built on first use (some 12 ms).
let fromTraditional: ((text: string) => string) | undefined

/** OpenCC's converter factory (opencc-js), in the one shape used here. */
export type OpenccConverter = (options: {
  from: 'cn' | 'tw' | 'hk' | 't'
  to: 'cn' | 'tw' | 'hk' | 't'
}) => (text: string) => string
// opencc-js's declarations import their parts without file extensions, which NodeNext cannot
// follow (everything would read as an error type): the factory is typed here instead.
const { Converter } = openccFromTraditional as unknown as { Converter: OpenccConverter }

/**
 * How many distinct characters of the page must be Traditional forms for it to be converted: a
 * few characters OpenCC maps are also current Simplified ones (著, 於, 乾), and one of them alone
 * must not rewrite a Simplified page; a Traditional page has dozens.
 */
const TRADITIONAL_PAGE = 2

/**
 * A converter to Simplified when the page is written in Traditional characters, undefined
 * otherwise. The page is only scanned here (no copy of it is made); the caller converts what it
 * has read of it, its lines and cells, which the page bounds keep small.
 */
export function simplifierFor(text: string): ((text: string) => string) | undefined {
  const distinct = new Set<string>()
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0x3400 && code <= 0x9fff) distinct.add(text[i]!)
  }
  if (distinct.size === 0) return undefined
  const convert = (fromTraditional ??= Converter({ from: 'tw', to: 'cn' }))
  // Each character on its own (space-separated, so that no phrase spans two): which would change?
  const characters = [...distinct]
  const converted = convert(characters.join(' ')).split(' ')
  let changed = 0
  for (let i = 0; i < characters.length && changed < TRADITIONAL_PAGE; i++)
    if (converted[i] !== characters[i]) changed++
  return changed >= TRADITIONAL_PAGE ? convert : undefined
}

/** The text in Simplified characters when it is written in Traditional ones, otherwise as it is. */
export function toSimplified(text: string): string {
  return simplifierFor(text)?.(text) ?? text
}

const NUMBERING = /^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[、.])/

/**
 * A label reduced for comparison: NFKC (full-width brackets, colons and digits become ASCII),
 * no white space or line breaks, no quotation marks (Traditional pages are converted whole first).
 */
export function normalizeLabel(text: string): string {
  return text
    .normalize('NFKC')
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

export { readValue, type ReadValue } from '../cell-value.js'

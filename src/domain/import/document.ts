// A published page as prose lines and table cells. Two sources: the text of a page whose tables
// came out as `cell |` lines (test/fixtures/fengshi-2020.txt), and the HTML itself, whose tables
// are read with a real parser honouring rowspan and colspan. Anyone may send a page, so every
// size is bounded before the work it would cost is done: the limits below are checked by linear
// scans ahead of parsing, and a span is clamped and counted before its grid is allocated.
import { parse, type HTMLElement } from 'node-html-parser'
import { NARRATIVE_PARTS, TABLE_KEYS, tableOf, TEMPLATE_IDS } from '../templates.js'
import { UnreadableReport } from './errors.js'

/**
 * Bounds of a page, each far above a real report (about 500 table cells, a few hundred lines, a
 * few thousand elements, nesting under 30) and far below what would cost a second or 100 MB.
 */
export const PAGE_LIMITS = {
  /** Table cells, as written (a merged cell once). */
  cells: 20_000,
  /** Cells of the grids once spans are expanded: a span bomb is refused here. */
  gridArea: 60_000,
  /** Lines of text. */
  lines: 50_000,
  /** HTML elements. */
  elements: 40_000,
  /** Nesting of HTML elements that need an end tag. */
  depth: 400
} as const

/** What each bound is called when a page goes past it, beside what a real report has. */
const BEYOND: Record<keyof typeof PAGE_LIMITS, string> = {
  cells: `The page has more than ${PAGE_LIMITS.cells} table cells; an annual report has about 500`,
  gridArea: `The page's tables span more than ${PAGE_LIMITS.gridArea} grid cells; an annual report's span about 2,000`,
  lines: `The page has more than ${PAGE_LIMITS.lines} lines; an annual report has a few hundred`,
  elements: `The page has more than ${PAGE_LIMITS.elements} HTML elements; an annual report's page has a few thousand`,
  depth: `The page's HTML nests more than ${PAGE_LIMITS.depth} elements deep`
}
const beyond = (bound: keyof typeof PAGE_LIMITS) => new UnreadableReport(BEYOND[bound])

export interface PageDocument {
  /** The prose, one line per paragraph, tables left out. */
  lines: string[]
  /** Every table cell in reading order (row by row, left to right; a merged cell once), blank as ''. */
  cells: string[]
}

const clean = (text: string) => text.replace(/[\u00a0\u3000\t ]+/g, ' ').trim()

/** How often `char` occurs in `text`, stopping once past `limit`. */
function countUpTo(text: string, char: string, limit: number): number {
  let count = 0
  for (let at = text.indexOf(char); at >= 0 && count <= limit; at = text.indexOf(char, at + 1)) count++
  return count
}

/**
 * Text as the tools that turn a page into text leave it. Two families:
 *   - pipes: cells ended by `|` (`cell |` lines, `|` runs for empty cells, test/fixtures/
 *     fengshi-2020.txt), or cells on lines of their own with `|` alone on the lines between;
 *   - plain: one cell per line, cells between blank lines, tab-separated rows (an empty cell
 *     between two tabs), or rows aligned in columns by runs of spaces (`pdftotext -layout`).
 * Either way a cell is the text between two separators, never a piece of one: digits run
 * together (`2013` for four cells) stay one value, which the reader then cannot place.
 */
export function fromText(text: string): PageDocument {
  if (countUpTo(text, '|', PAGE_LIMITS.cells) > PAGE_LIMITS.cells) {
    throw beyond('cells')
  }
  if (countUpTo(text, '\n', PAGE_LIMITS.lines) > PAGE_LIMITS.lines) {
    throw beyond('lines')
  }
  const raw = text.replace(/\r\n?/g, '\n').split('\n')
  return raw.some((line) => line.includes('|')) ? fromPipeText(raw) : fromPlainText(raw)
}

/** The headings of the report's parts: never a table's cell, even between two tables. */
const PART_HEADINGS = [
  ...TEMPLATE_IDS.flatMap((id) => TABLE_KEYS.map((table) => tableOf(id, table).zh)),
  ...Object.values(NARRATIVE_PARTS).map((part) => part.zh)
].map((heading) => heading.replace(/\s+/g, ''))
const isHeading = (line: string) => PART_HEADINGS.includes(line.replace(/[\s\u3000]+/g, ''))

function fromPipeText(raw: string[]): PageDocument {
  const lines: string[] = []
  const cells: string[] = []
  let table: string[] = []
  const flush = () => {
    if (table.length === 0) return
    // Between two pipes is one cell; a pipe-only line is a row start or a run of empty cells.
    const parts = table.join('\n').split('|').map(clean)
    // The text before the first pipe of a table belongs to no cell.
    for (let i = 1; i < parts.length; i++) cells.push(parts[i]!)
    table = []
  }
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!
    if (line.includes('|')) {
      table.push(line)
    } else if (table.length > 0 && line.trim() !== '' && !isHeading(line) && raw[i + 1]?.includes('|')) {
      // Inside a table: a cell on a line of its own, or the first line of a cell broken in two.
      table.push(line)
    } else {
      flush()
      const cleaned = clean(line)
      if (cleaned) lines.push(cleaned)
    }
  }
  flush()
  return { lines, cells }
}

/** A line of text longer than this is prose, not a table's cell (the longest label has 37 characters). */
const LONGEST_CELL = 60

/**
 * The cells of a line of plain text: tabs separate them exactly (two in a row hold an empty
 * cell); otherwise runs of two or more spaces do, and an empty cell leaves no trace.
 */
function lineCells(line: string): string[] {
  if (line.includes('\t')) return line.split('\t').map(clean)
  return line
    .split(/[ \u00a0\u3000]{2,}/)
    .map(clean)
    .filter((cell) => cell !== '')
}

function fromPlainText(raw: string[]): PageDocument {
  const lines = raw.map(clean).filter((line) => line !== '')
  // The tables begin at the heading of 二: the title and part 一 before it are prose only (a
  // page cut to its tables has no heading, and then every line may hold cells).
  const start = Math.max(
    0,
    raw.findIndex((line) => isHeading(line) && line.trim().startsWith('二'))
  )
  const cells: string[] = []
  for (let i = start; i < raw.length; i++) {
    if (raw[i]!.trim() === '') continue
    for (const cell of lineCells(raw[i]!)) if (cell.length <= LONGEST_CELL) cells.push(cell)
    if (cells.length > PAGE_LIMITS.cells) throw beyond('cells')
  }
  return { lines, cells }
}

/** The area of the grids read so far on one page, checked before each span is laid out. */
interface GridBudget {
  area: number
}

/** A span attribute as HTML reads it (a positive integer, 1 when absent or invalid), at most `max`. */
const span = (value: string | undefined, max: number) =>
  Math.max(1, Math.min(max, Number.parseInt(value ?? '1', 10) || 1))

/** The cells of an HTML table in reading order, spans expanded so that each cell is read once. */
function tableCells(table: HTMLElement, budget: GridBudget): string[] {
  const out: string[] = []
  const taken: boolean[][] = []
  const rows = table.querySelectorAll('tr').filter((row) => row.closest('table') === table)
  rows.forEach((row, r) => {
    let c = 0
    for (const cell of row.childNodes) {
      if (!('tagName' in cell) || !['TD', 'TH'].includes((cell as HTMLElement).tagName)) continue
      const element = cell as HTMLElement
      while (taken[r]?.[c]) c++
      // A row span ends with the table (HTML's own rule); columns are bounded as browsers bound them.
      const rowspan = span(element.getAttribute('rowspan'), rows.length - r)
      const colspan = span(element.getAttribute('colspan'), 1000)
      budget.area += rowspan * colspan
      if (budget.area > PAGE_LIMITS.gridArea) {
        throw beyond('gridArea')
      }
      for (let dr = 0; dr < rowspan; dr++) for (let dc = 0; dc < colspan; dc++) (taken[r + dr] ??= [])[c + dc] = true
      out.push(clean(element.textContent))
      if (out.length > PAGE_LIMITS.cells) throw beyond('cells')
      c += colspan
    }
  })
  return out
}

/** Elements whose end tag HTML lets a page omit: they do not nest deeper when left open. */
const OPTIONAL_END = new Set([
  'p',
  'li',
  'dt',
  'dd',
  'td',
  'th',
  'tr',
  'thead',
  'tbody',
  'tfoot',
  'option',
  'colgroup',
  'caption',
  'rt',
  'rp'
])
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr'
])

/**
 * Counts elements and their nesting in one linear pass over the tags, before a parser builds a
 * tree of them: the parser's memory grows with the elements and its tree walks recurse with the depth.
 */
function checkMarkup(html: string): void {
  // `[^<>]*` cannot run past the next `<`: each character is looked at a bounded number of times.
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/g
  let elements = 0
  let depth = 0
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const name = match[2]!.toLowerCase()
    if (VOID.has(name) || OPTIONAL_END.has(name) || match[3]!.endsWith('/')) {
      if (!match[1]) elements++
      continue
    }
    if (match[1]) {
      depth = Math.max(0, depth - 1)
      continue
    }
    if (++elements > PAGE_LIMITS.elements) {
      throw beyond('elements')
    }
    if (++depth > PAGE_LIMITS.depth) throw beyond('depth')
  }
  if (elements > PAGE_LIMITS.elements) {
    throw beyond('elements')
  }
}

/** An HTML page: tables read as grids, everything else as lines of prose. */
export function fromHtml(html: string): PageDocument {
  checkMarkup(html)
  const root = parse(html.replace(/<!doctype[^>]*>/i, ''), {
    blockTextElements: { script: false, style: false, noscript: false }
  })
  root.querySelector('head')?.remove()
  const cells: string[] = []
  const budget: GridBudget = { area: 0 }
  for (const table of root.querySelectorAll('table')) {
    if (table.parentNode && table.parentNode.closest?.('table')) continue // nested: read with its outer table
    for (const cell of tableCells(table, budget)) cells.push(cell)
    table.replaceWith('\n')
  }
  for (const br of root.querySelectorAll('br')) br.replaceWith('\n')
  const lines = root.structuredText.split('\n').map(clean).filter(Boolean)
  if (lines.length > PAGE_LIMITS.lines) {
    throw beyond('lines')
  }
  return { lines, cells }
}

/** HTML when it looks like HTML, the pipe text otherwise. */
export function toDocument(input: string, kind: 'text' | 'html'): PageDocument {
  return kind === 'html' ? fromHtml(input) : fromText(input)
}

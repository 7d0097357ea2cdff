// A PDF's text as a page document: the text items with their positions (pdfjs-dist, pure
// JavaScript, no network), put back into lines and cells by their coordinates, then read by the
// same label-based reader as HTML and text. Tables are rebuilt without ruling lines: a cell is
// a run of text items with no gap wider than a character between them; the columns of a table
// are where its figures stand (right-aligned or centred figures of one column overlap
// horizontally), so that a blank cell keeps its place as an empty cell rather than shifting the
// figures after it.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { UnreadableReport } from './errors.js'
import type { PageDocument } from './document.js'
import { readValue } from './text.js'

/** Bounds of a PDF, far above an annual report (five to twenty pages, a few thousand text items). */
export const PDF_LIMITS = { pages: 200, items: 100_000 } as const

interface Item {
  text: string
  x: number
  right: number
  y: number
  /** The font size, the unit of every tolerance below. */
  size: number
}

interface Line {
  y: number
  size: number
  cells: Item[]
}

// The predefined CMaps, for CJK fonts without their own Unicode map.
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))
const CMAPS = `${pathToFileURL(join(pdfjsRoot, 'cmaps')).href}/`

// pdf.js inflates a PDF's streams through the web DecompressionStream when there is one; in
// Node every stream then waits on the thread pool, which made a report's PDF three times slower
// (about 310 ms against 105) than inflating in place, pdf.js's own fallback. It is hidden from
// pdf.js while PDFs are being read (counted, as several may be read at once).
let reading = 0
let decompressionStream: PropertyDescriptor | undefined
function hideDecompressionStream(): void {
  if (reading++ > 0) return
  decompressionStream = Object.getOwnPropertyDescriptor(globalThis, 'DecompressionStream')
  delete (globalThis as { DecompressionStream?: unknown }).DecompressionStream
}
function restoreDecompressionStream(): void {
  if (--reading > 0 || !decompressionStream) return
  Object.defineProperty(globalThis, 'DecompressionStream', decompressionStream)
}

/** The text items of every page, in page order; throws for a PDF with no text layer. */
async function textItems(data: Uint8Array): Promise<Item[][]> {
  hideDecompressionStream()
  try {
    return await readItems(data)
  } finally {
    restoreDecompressionStream()
  }
}

/** pdf.js, loaded by the first PDF (or ahead of it: the page reader's warm-up, workers/read-page.ts). */
export async function loadPdfjs() {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  // pdf.js runs its parser in this thread ("fake worker"); given the module, it does not load it by URL.
  ;(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= await import('pdfjs-dist/legacy/build/pdf.worker.mjs')
  return pdfjs
}

async function readItems(data: Uint8Array): Promise<Item[][]> {
  const { getDocument } = await loadPdfjs()
  const task = getDocument({
    data: new Uint8Array(data), // a copy, as a plain Uint8Array (pdf.js takes no Buffer and detaches what it is given)
    cMapUrl: CMAPS,
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0
  })
  let document
  try {
    document = await task.promise
  } catch (error) {
    throw new UnreadableReport(`The file is not a readable PDF (${(error as Error).message})`)
  }
  try {
    if (document.numPages > PDF_LIMITS.pages)
      throw new UnreadableReport(`The PDF has ${document.numPages} pages; an annual report has a few`)
    const pages: Item[][] = []
    let count = 0
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n)
      const content = await page.getTextContent()
      const [left, bottom, right, top] = page.view as [number, number, number, number]
      const margin = (top - bottom) * 0.06
      const items: Item[] = []
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue
        const [a, b, , , x, y] = item.transform as number[]
        const size = Math.hypot(a!, b!) || item.height || 1
        const text = plainText(item.str)
        // Page furniture (a page number, a running header) in the top or bottom margin.
        if ((y! < bottom + margin || y! > top - margin) && text.length <= 12) continue
        // Text running past the page's edge is cut off in print (a table wider than the page):
        // what shows of a figure there is not the figure.
        const clipped = x! + item.width > right + 1 || x! < left - 1
        items.push({ text: clipped ? CLIPPED : text, x: x!, right: x! + item.width, y: y!, size })
      }
      count += items.length
      if (count > PDF_LIMITS.items) throw new UnreadableReport('The PDF has more text than an annual report')
      pages.push(items)
      page.cleanup()
    }
    if (count === 0)
      throw new UnreadableReport(
        'The PDF has no text layer (a scan): it holds pictures of pages, not their text; ' +
          'send the Word file or the web page it was made from'
      )
    return pages
  } finally {
    await document.destroy()
  }
}

// Some PDF makers (Chromium among them) map glyphs to the CJK radical characters that look the
// same: Kangxi radicals (U+2F00–) have compatibility decompositions (NFKC), the Radicals
// Supplement (U+2E80–) do not; the simplified-form radicals met in reports are mapped here.
const RADICALS: Record<string, string> = Object.fromEntries(
  '⺠民⺟母⻅见⻆角⻉贝⻋车⻓长⻔门⻘青⻙韦⻚页⻛风⻜飞⻝食⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻬齐⻮齿⻰龙⻳龟'
    .match(/../gu)!
    .map((pair) => [...pair] as [string, string])
)
const CJK = '\\u2e80-\\u9fff\\u3000-\\u303f\\uff00-\\uffef'
// Space a PDF maker put between Chinese and Latin letters or digits (`2021 年`), not in the text.
const AUTOSPACE = new RegExp(`(?<=[${CJK}])\\s+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])\\s+(?=[${CJK}])`, 'g')

/** A text item's text as written: radicals as the characters they stand for, no added spaces. */
function plainText(text: string): string {
  return text
    .replace(/[\u2f00-\u2fdf]/g, (radical) => radical.normalize('NFKC'))
    .replace(/[\u2e80-\u2eff]/g, (radical) => RADICALS[radical] ?? radical)
    .replace(/\u2015/g, '—') // a horizontal bar for the dash (——) of Chinese text
    .replace(/[\u2329\u232a]/g, (angle) => (angle === '\u2329' ? '〈' : '〉')) // angle brackets as CJK ones
    .replace(AUTOSPACE, '')
    .trim()
}

/** Items on one baseline (within a third of the font size), left to right, joined into cells. */
function linesOf(items: Item[]): Line[] {
  const sorted = [...items].sort((p, q) => q.y - p.y || p.x - q.x)
  const lines: Line[] = []
  for (const item of sorted) {
    const line = lines.at(-1)
    if (line && Math.abs(line.y - item.y) <= line.size / 3) line.cells.push(item)
    else lines.push({ y: item.y, size: item.size, cells: [item] })
  }
  for (const line of lines) {
    line.cells.sort((p, q) => p.x - q.x)
    const cells: Item[] = []
    for (const item of line.cells) {
      const last = cells.at(-1)
      // Closer than half a character: the same cell (text runs, or a word split into items).
      if (last && item.x - last.right < item.size / 2) {
        // A space only between two Latin words; Chinese has none between its characters.
        const spaced =
          /[A-Za-z0-9]$/.test(last.text) && /^[A-Za-z0-9]/.test(item.text) && item.x - last.right > item.size / 5
        last.text += spaced ? ` ${item.text}` : item.text
        last.right = Math.max(last.right, item.right)
      } else cells.push({ ...item })
    }
    line.cells = cells
  }
  return lines
}

/** A figure, or a mark that a cell is blank (`/`, `—`, `无`): both stand in a column. */
const isFigure = (cell: Item) => {
  const kind = readValue(cell.text).kind
  return kind === 'number' || (kind === 'blank' && cell.text !== '')
}
/** Stands for text cut off at the page's edge: never read as a figure. */
const CLIPPED = '(cut off at the edge of the page)'
/** Stands for a row whose figures cannot all be put in columns. */
const UNPLACED = '(figures not in the columns of their table)'
/** Stands for a cell whose figure cannot be read: text, so that the reader leaves its row blank. */
const WRAPPED = '(figure wrapped over two lines)'
/** Longer text is prose, not a table's cell (as in plain text). */
const LONGEST_CELL = 60

/**
 * The columns of one table: the horizontal extents of its figures, merged where they overlap
 * (a column's figures share their right edge or their centre, whatever their width).
 */
function columnsOf(lines: Line[]): Array<{ from: number; to: number }> {
  const spans = lines
    .flatMap((line) => line.cells.filter(isFigure))
    .map((cell) => ({ from: cell.x - cell.size / 5, to: cell.right + cell.size / 5 }))
    .sort((p, q) => p.from - q.from)
  const columns: Array<{ from: number; to: number }> = []
  for (const span of spans) {
    const last = columns.at(-1)
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to)
    else columns.push({ ...span })
  }
  return columns
}

/**
 * The cells of a run of table lines that share columns: each line's text cells, then one cell
 * per column of the table, empty where the line has no figure in it.
 */
function tableCells(lines: Line[]): string[] {
  const columns = columnsOf(lines)
  const columnOf = (cell: Item) =>
    columns.findIndex((c) => (cell.x + cell.right) / 2 >= c.from && (cell.x + cell.right) / 2 <= c.to)
  // A figure too wide for its column wraps (`88` as `8` over `8`): a line of figures alone right
  // under a line of figures, in the columns of that line's figures. Those cells cannot be read
  // (either half alone would be a wrong number): they are marked, and the row left blank.
  const unreadable = new Map<Line, Set<number>>()
  for (let i = 1; i < lines.length; i++) {
    const [above, line] = [lines[i - 1]!, lines[i]!]
    if (!line.cells.every(isFigure) || !above.cells.some(isFigure)) continue
    if (above.y - line.y > 2 * line.size) continue
    const taken = new Set(above.cells.filter(isFigure).map(columnOf))
    const wrapped = line.cells.map(columnOf)
    if (!wrapped.every((c) => taken.has(c))) continue
    unreadable.set(above, new Set(wrapped))
    unreadable.set(line, new Set(wrapped))
  }
  const out: string[] = []
  for (const line of lines) {
    if (unreadable.has(line) && line.cells.every(isFigure)) continue // the lower halves
    const figures = line.cells.filter(isFigure)
    const texts = line.cells.filter((cell) => !isFigure(cell) && cell.text.length <= LONGEST_CELL)
    if (figures.length === 0) {
      out.push(...texts.map((cell) => cell.text))
      continue
    }
    // Of the text before the figures, the cell nearest them is the row's label; the ones further
    // left are the groups it belongs to (三's 本年度办理结果, 其他处理), often a line of a group
    // label wrapped over several rows: left out, so that they never come between a label
    // (itself perhaps wrapped) and its figures.
    const label = texts.filter((cell) => cell.right <= figures[0]!.x).at(-1)
    if (label) out.push(label.text)
    const first = label
      ? columns.findIndex((c) => c.from >= label.right)
      : columns.findIndex((c) => c.to >= figures[0]!.x)
    // A figure outside the columns read for the row (under its label) has no known cell: the
    // row is left unread rather than its figures placed in the wrong cells.
    if (first < 0 || figures.some((f) => columnOf(f) < first)) {
      out.push(UNPLACED)
      continue
    }
    for (let i = first; i < columns.length; i++) {
      if (unreadable.get(line)?.has(i)) {
        out.push(WRAPPED)
        continue
      }
      const inside = figures.filter((f) => columnOf(f) === i)
      // Two figures in one column cannot both be its cell: neither is taken.
      out.push(inside.length > 1 ? WRAPPED : (inside[0]?.text ?? ''))
    }
  }
  return out
}

/**
 * Prose lines joined into paragraphs: a line that reaches the right margin runs on into the next
 * unless that one is indented (a new paragraph) or a heading.
 */
function paragraphs(lines: Line[]): string[] {
  // The text block's margins, from the lines of prose (one cell, long enough to have wrapped).
  const prose = lines.filter((line) => line.cells.length === 1 && line.cells[0]!.text.length >= 20)
  const block = prose.length > 0 ? prose : lines
  const right = Math.max(...block.map((line) => line.cells.at(-1)!.right))
  const left = Math.min(...block.map((line) => line.cells[0]!.x))
  const out: string[] = []
  let previous: Line | undefined
  for (const line of lines) {
    const text = line.cells.map((cell) => cell.text).join(' ')
    const start = line.cells[0]!.x - left
    // The previous line ran to the right margin from the left one (a paragraph's first line may
    // be indented by two characters; a centred title is not), in the same size as this one,
    // and this one is not indented: one paragraph.
    const runsOn =
      previous !== undefined &&
      previous.cells.length === 1 &&
      line.cells.length === 1 &&
      right - previous.cells[0]!.right < previous.size * 1.5 &&
      previous.cells[0]!.x - left <= previous.size * 2.5 &&
      Math.abs(previous.size - line.size) < line.size / 10 &&
      start <= line.size
    if (runsOn) out[out.length - 1] += text
    else out.push(text)
    previous = line
  }
  return out
}

/**
 * A PDF as prose lines and table cells. A table is a run of lines holding figures, with the
 * label-only lines between them; a line of several text cells (a header row) starts a new one,
 * whose columns are found afresh; a table continued on the next page goes on in the same way.
 */
export async function fromPdf(data: Uint8Array): Promise<PageDocument> {
  const lines = (await textItems(data)).flatMap(linesOf)
  const cells: string[] = []
  let table: Line[] = []
  const flush = () => {
    cells.push(...tableCells(table))
    table = []
  }
  for (const line of lines) {
    const figures = line.cells.filter(isFigure).length
    if (figures === 0 && line.cells.length > 1) flush()
    table.push(line)
  }
  flush()
  return { lines: paragraphs(lines), cells }
}

// A published page as prose lines and table cells. Two sources: the text of a page whose tables
// came out as `cell |` lines (fixtures/fengshi-2020.txt), and the HTML itself, whose tables are
// read with a real parser honouring rowspan and colspan.
import { parse, type HTMLElement } from 'node-html-parser'

export interface PageDocument {
  /** The prose, one line per paragraph, tables left out. */
  lines: string[]
  /** Every table cell in reading order (row by row, left to right; a merged cell once), blank as ''. */
  cells: string[]
}

const clean = (text: string) => text.replace(/[\u00a0\u3000\t ]+/g, ' ').trim()

/** Text whose tables are rows of `cell |` lines, with `|` runs for empty cells. */
export function fromText(text: string): PageDocument {
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
  const raw = text.replace(/\r\n?/g, '\n').split('\n')
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!
    if (line.includes('|')) {
      table.push(line)
    } else if (table.length > 0 && raw[i + 1]?.trim().endsWith('|') && !raw[i + 1]!.trim().startsWith('|') && line.trim() !== '') {
      // A cell broken over two lines inside a table: keep it with the next line.
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

/** The cells of an HTML table in reading order, spans expanded so that each cell is read once. */
function tableCells(table: HTMLElement): string[] {
  const out: string[] = []
  const taken: boolean[][] = []
  const rows = table.querySelectorAll('tr').filter((row) => row.closest('table') === table)
  rows.forEach((row, r) => {
    let c = 0
    for (const cell of row.childNodes) {
      if (!('tagName' in cell) || !['TD', 'TH'].includes((cell as HTMLElement).tagName)) continue
      const element = cell as HTMLElement
      while (taken[r]?.[c]) c++
      const rowspan = Math.max(1, Math.min(100, Number(element.getAttribute('rowspan') ?? 1) || 1))
      const colspan = Math.max(1, Math.min(100, Number(element.getAttribute('colspan') ?? 1) || 1))
      for (let dr = 0; dr < rowspan; dr++) for (let dc = 0; dc < colspan; dc++) ((taken[r + dr] ??= [])[c + dc] = true)
      out.push(clean(element.textContent))
      c += colspan
    }
  })
  return out
}

/** An HTML page: tables read as grids, everything else as lines of prose. */
export function fromHtml(html: string): PageDocument {
  const root = parse(html.replace(/<!doctype[^>]*>/i, ''), { blockTextElements: { script: false, style: false, noscript: false } })
  root.querySelector('head')?.remove()
  const cells: string[] = []
  for (const table of root.querySelectorAll('table')) {
    if (table.parentNode && (table.parentNode as HTMLElement).closest?.('table')) continue // nested: read with its outer table
    for (const cell of tableCells(table)) cells.push(cell)
    table.replaceWith('\n')
  }
  for (const br of root.querySelectorAll('br')) br.replaceWith('\n')
  const lines = root.structuredText.split('\n').map(clean).filter(Boolean)
  return { lines, cells }
}

/** HTML when it looks like HTML, the pipe text otherwise. */
export function toDocument(input: string, kind: 'text' | 'html'): PageDocument {
  return kind === 'html' ? fromHtml(input) : fromText(input)
}

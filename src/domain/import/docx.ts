// A Word document (.docx) as a page document, read from its XML: the paragraphs outside tables
// are the prose lines; the table cells, in reading order, the cells (a merged cell once: a cell
// spanning columns (w:gridSpan) is one cell, the cells a vertical merge continues (w:vMerge
// without "restart") are not read again, as the HTML reader treats colspan and rowspan).
// Read directly rather than through mammoth's HTML: WordprocessingML's table markup is all the
// reader needs, and mammoth (a full XML DOM, styles and numbering resolved) took 45–50 ms of
// a report's 50, against 2–3 ms here. jszip unpacks the file. Legacy Word (.doc) and WPS (.wps)
// files are refused with how to convert them (formats.ts tells them by their first bytes).
import { PAGE_LIMITS, type PageDocument } from './document.js'
import { UnreadableReport } from './errors.js'

/** Bounds of a Word document unpacked: an annual report's document.xml is a few hundred KB. */
export const DOCX_LIMITS = { documentBytes: 20 * 1024 * 1024 } as const

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const decode = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) =>
    name.startsWith('#')
      ? String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)))
      : ENTITIES[name.toLowerCase()]!
  )

const clean = (text: string) => text.replace(/[\u00a0\u3000\t ]+/g, ' ').trim()

/** The document's main part (word/document.xml) as text. */
async function documentXml(data: Uint8Array): Promise<string> {
  const { default: JSZip } = await import('jszip') // loaded by the first Word document only
  let xml: string | undefined
  try {
    const zip = await JSZip.loadAsync(data)
    xml = await zip.file('word/document.xml')?.async('string')
  } catch (error) {
    throw new UnreadableReport(`The file is not a readable Word document (${(error as Error).message})`)
  }
  if (xml === undefined) throw new UnreadableReport('The file is a zip but not a Word document (no word/document.xml)')
  if (xml.length > DOCX_LIMITS.documentBytes)
    throw new UnreadableReport('The Word document holds more than an annual report')
  return xml
}

// The elements that matter, and the text between tags (only that inside w:t is the document's).
const MARKUP = /<(\/?)w:(tbl|tr|tc|p|t|tab|br|cr|vMerge|delText|instrText)(?=[\s/>])([^>]*?)(\/?)>|<[^>]*>|([^<]+)/g

export async function fromDocx(data: Uint8Array): Promise<PageDocument> {
  const xml = await documentXml(data)
  const lines: string[] = []
  const cells: string[] = []
  let tables = 0 // open w:tbl elements: a table nested in a cell is read with its outer cell
  let cell: { text: string; continued: boolean } | undefined
  let paragraph = ''
  let inText = false
  const write = (text: string) => {
    if (cell) cell.text += text
    else paragraph += text
  }
  for (let match = MARKUP.exec(xml); match; match = MARKUP.exec(xml)) {
    const [, closing, name, attributes, selfClosing, text] = match
    if (text !== undefined) {
      if (inText) write(decode(text))
      continue
    }
    if (name === undefined) continue
    const opening = !closing
    switch (name) {
      case 'tbl':
        tables += opening && !selfClosing ? 1 : closing ? -1 : 0
        break
      case 'tc':
        if (tables !== 1) break
        if (opening && !selfClosing) cell = { text: '', continued: false }
        else if (closing && cell) {
          if (!cell.continued) cells.push(clean(cell.text))
          if (cells.length > PAGE_LIMITS.cells)
            throw new UnreadableReport(`The document has more than ${PAGE_LIMITS.cells} table cells`)
          cell = undefined
        }
        break
      case 'vMerge':
        // <w:vMerge/> or w:val="continue" continues the cell above; w:val="restart" begins one.
        if (tables === 1 && cell && opening) cell.continued = !/w:val="restart"/.test(attributes ?? '')
        break
      case 't':
        inText = opening && !selfClosing
        break
      case 'delText':
      case 'instrText':
        inText = false // deleted text and field codes are not the document's text
        break
      case 'tab':
        if (opening) write(' ')
        break
      case 'br':
      case 'cr':
        if (opening) write(cell ? '' : '\n')
        break
      case 'p':
        if (closing && !cell && tables === 0) {
          for (const line of paragraph.split('\n').map(clean)) if (line) lines.push(line)
          if (lines.length > PAGE_LIMITS.lines)
            throw new UnreadableReport(`The document has more than ${PAGE_LIMITS.lines} lines`)
          paragraph = ''
        }
        break
    }
  }
  return { lines, cells }
}

// A Word document (.docx) as HTML, for the HTML reader: mammoth turns its paragraphs and tables
// into HTML, merged cells as colspan (w:gridSpan) and rowspan (w:vMerge), which the HTML reader
// honours. Chosen over reading document.xml directly: it resolves styles, numbering, fields and
// the vertical merges' continuation cells, which a hand-written reader would have to relearn,
// and it is pure JavaScript. Legacy Word (.doc) and WPS (.wps) files are refused with how to
// convert them (formats.ts tells them by their first bytes).
import { UnreadableReport } from './errors.js'

/** Bounds of a Word document unpacked: an annual report's document.xml is well under 1 MB. */
export const DOCX_LIMITS = { unpackedBytes: 20 * 1024 * 1024 } as const

export async function docxToHtml(data: Uint8Array): Promise<string> {
  const { default: mammoth } = await import('mammoth') // loaded by the first Word document only
  let html: string
  try {
    ;({ value: html } = await mammoth.convertToHtml({
      buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    }))
  } catch (error) {
    throw new UnreadableReport(`The file is not a readable Word document (${(error as Error).message})`)
  }
  if (html.length > DOCX_LIMITS.unpackedBytes)
    throw new UnreadableReport('The Word document holds more than an annual report')
  return html
}

// The forms a published report comes in, told by media type and by the file's first bytes.

export const PAGE_FORMATS = ['text', 'html', 'pdf', 'docx'] as const
export type PageFormat = (typeof PAGE_FORMATS)[number]
export type FileFormat = Extract<PageFormat, 'pdf' | 'docx'>

export const MEDIA_TYPES: Record<PageFormat, string> = {
  text: 'text/plain',
  html: 'text/html',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
}

/** Media types of the legacy binary formats (Word 97–2003, WPS), refused with how to convert them. */
export const LEGACY_MEDIA_TYPES = [
  'application/msword',
  'application/vnd.ms-word',
  'application/vnd.ms-works',
  'application/wps-office.doc',
  'application/wps-office.wps',
  'application/kswps'
] as const

export const LEGACY_ADVICE =
  'Legacy Word (.doc) and WPS (.wps) files are not read: open the file in Word, WPS or LibreOffice and ' +
  'save it as .docx (文件 → 另存为 → Word 文档 .docx) or export it as PDF, or convert it with ' +
  '`soffice --headless --convert-to docx FILE`, then send that'

const startsWith = (data: Uint8Array, bytes: readonly number[]) => bytes.every((byte, i) => data[i] === byte)

/**
 * What a file is by its first bytes: a PDF (`%PDF-`), a Word document (a zip: docx.ts says so
 * if it holds no word/document.xml), a legacy OLE compound file (.doc, .wps, .xls), or none of these.
 */
export function sniff(data: Uint8Array): FileFormat | 'legacy' | undefined {
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) return 'docx'
  if (startsWith(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'legacy'
  return undefined
}

// The worker thread's side of services/page-reader.ts: reads one page (text, HTML, PDF or Word)
// and answers with what it says, or with why it is not readable. Runs only the pure reader of
// src/domain/import.
import { readFile, readPage, type PageReading } from '../domain/import/index.js'
import { UnreadableReport } from '../domain/import/errors.js'
import type { PageFormat } from '../domain/import/formats.js'
import { loadPdfjs } from '../domain/import/pdf.js'

export interface ReadPageTask {
  /** The page as text (text, html) or the file's bytes (pdf, docx). */
  input: string | Uint8Array
  kind: PageFormat
  /** A fresh worker's first, untimed task: load what reading a file needs (pdf.js, jszip) and answer. */
  warmUp?: true
}

export type ReadPageAnswer = { ok: true; reading: PageReading } | { ok: false; reason: string }

export default async function readPageTask({ input, kind, warmUp }: ReadPageTask): Promise<ReadPageAnswer> {
  if (warmUp) {
    // Over a second under tsx: a page's budget is for reading it, not for loading pdf.js.
    await Promise.all([loadPdfjs(), import('jszip')])
    return { ok: false, reason: 'warmed up' }
  }
  try {
    if (kind === 'pdf' || kind === 'docx') {
      if (typeof input === 'string') throw new UnreadableReport(`A ${kind} file comes as bytes`)
      return { ok: true, reading: await readFile(input, kind) }
    }
    if (typeof input !== 'string') throw new UnreadableReport('A page comes as text')
    return { ok: true, reading: readPage(input, kind) }
  } catch (error) {
    // A class does not survive the thread boundary: the reason is sent as data.
    if (error instanceof UnreadableReport) return { ok: false, reason: error.message }
    if (error instanceof RangeError) return { ok: false, reason: 'The page is too deeply structured to read' }
    throw error
  }
}

// The worker thread's side of services/page-reader.ts: reads one page and answers with what it
// says, or with why it is not readable. Runs only the pure reader of src/domain/import.
import { readPage, type PageReading } from '../domain/import/index.js'
import { UnreadableReport } from '../domain/import/errors.js'

export interface ReadPageTask {
  input: string
  kind: 'text' | 'html'
}

export type ReadPageAnswer = { ok: true; reading: PageReading } | { ok: false; reason: string }

export default function readPageTask({ input, kind }: ReadPageTask): ReadPageAnswer {
  try {
    return { ok: true, reading: readPage(input, kind) }
  } catch (error) {
    // A class does not survive the thread boundary: the reason is sent as data.
    if (error instanceof UnreadableReport) return { ok: false, reason: error.message }
    if (error instanceof RangeError) return { ok: false, reason: 'The page is too deeply structured to read' }
    throw error
  }
}

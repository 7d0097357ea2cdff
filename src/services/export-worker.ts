// The server's side of an export run in a worker thread (src/workers/export.ts): its chunks as
// an async generator that asks for each next one only when the response has taken the last. A
// client that goes away ends the worker.
import type { Chunk, ExportKind, ExportQuery } from './export-chunks.js'
import { startWorker } from './worker-thread.js'

/** The heap an export worker may use: the pages in flight are a few MB; the rest is garbage to collect. */
const HEAP = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 }

export async function* chunksFromWorker(
  databasePath: string,
  kind: ExportKind,
  query: ExportQuery
): AsyncGenerator<Chunk> {
  const worker = startWorker('export', { databasePath, kind, query }, HEAP)
  const inbox: Array<string | Uint8Array | null> = []
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const arrived = () => {
    wake?.()
    wake = undefined
  }
  worker.on('message', (message: string | Uint8Array | null) => {
    inbox.push(message)
    arrived()
  })
  worker.on('error', (error) => {
    failure = error
    arrived()
  })
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`the export worker exited with code ${code}`)
    else inbox.push(null)
    arrived()
  })
  try {
    for (;;) {
      while (inbox.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve))
      const message = inbox.shift()
      if (message === undefined) throw failure!
      if (message === null) return
      yield typeof message === 'string' ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength)
      worker.postMessage('more')
    }
  } finally {
    await worker.terminate()
  }
}

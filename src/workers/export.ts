// A large export in a worker thread (src/services/export-worker.ts): its own read connection and
// its own small heap, so that the garbage of eight million CSV records is collected here, early,
// instead of growing the server's heap. Sends one chunk, then waits to be asked for the next:
// the socket's pace, never more than one chunk ahead.
import { once } from 'node:events'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { createExportsRepository } from '../db/repositories/export-pages.js'
import * as schema from '../db/schema.js'
import { exportChunks, type ExportKind, type ExportQuery } from '../services/export-chunks.js'

const task = workerData as { databasePath: string; kind: ExportKind; query: ExportQuery }
const port = parentPort!
// Read-only: the writer and its migrations are the server's; WAL lets this read beside them.
const sqlite = new Database(task.databasePath, { readonly: true, fileMustExist: true })
sqlite.pragma('busy_timeout = 5000')
// A page cache of 2 MB rather than 16: the export reads each page of a year once, in order, and
// the server's memory is what a large export must stay within.
sqlite.pragma('cache_size = -2000')
const exports = createExportsRepository(drizzle(sqlite, { schema }))

for await (const chunk of exportChunks(exports, task.kind, task.query)) {
  if (typeof chunk === 'string') port.postMessage(chunk)
  else {
    // A copy of its own to transfer: a small Buffer may sit in Node's shared pool.
    const bytes = new Uint8Array(chunk)
    port.postMessage(bytes, [bytes.buffer])
  }
  await once(port, 'message')
}
sqlite.close()
port.postMessage(null)

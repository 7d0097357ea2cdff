// Reading published pages off the event loop. Anyone may POST a page, and however well the reader
// is bounded (domain/import/document.ts), a page costs tens of milliseconds of CPU and megabytes
// of memory: run in the request's thread, a handful of them would stall every other request. So
// the reading runs in one worker thread (piscina) with a time budget and a heap of its own; a page
// over either is refused, the worker replaced, and the service answers on.
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { PageFormat } from '../domain/import/formats.js'
import type { PageReading } from '../domain/import/index.js'
import type { ReadPageAnswer, ReadPageTask } from '../workers/read-page.js'

export interface PageReaderOptions {
  /** Time from arrival to answer, queueing included (ms). */
  budgetMs: number
  /** Pages waiting for the worker; more are refused as busy. */
  maxQueue: number
  /** Heap of the worker (MB): a page that needs more is refused. */
  heapMb: number
}

// A five-page PDF takes about 70–350 ms here, a text page 1–2 ms: 2 s leaves room for a slow machine.
export const PAGE_READER_DEFAULTS: PageReaderOptions = { budgetMs: 2000, maxQueue: 8, heapMb: 128 }

/** Why a page was not read: the page (422), or the service's load (503). */
export class PageNotRead extends Error {
  override name = 'PageNotRead'
  constructor(
    message: string,
    readonly kind: 'unreadable' | 'busy'
  ) {
    super(message)
  }
}

export interface PageReader {
  read(input: string | Uint8Array, kind: PageFormat): Promise<PageReading>
  close(): Promise<void>
}

// The worker is this module's sibling in the same form (.ts under tsx and tap, .js once compiled).
const workerFile = new URL(`../workers/read-page${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href

export function createPageReader(options: PageReaderOptions = PAGE_READER_DEFAULTS): PageReader {
  let pool: Piscina<ReadPageTask, ReadPageAnswer> | undefined
  // Started on the first page: most processes (tests, CLIs) never read one.
  const started = () =>
    (pool ??= new Piscina({
      filename: workerFile,
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: 60_000,
      maxQueue: options.maxQueue,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb, maxYoungGenerationSizeMb: 16 }
    }))

  // The budget is for reading, not for a worker's start (loading its modules, pdf.js among them):
  // a fresh worker is first given a warm-up, untimed. Set again whenever a worker was ended for a page.
  let warm: Promise<unknown> | undefined

  return {
    async read(input, kind) {
      const workers = started()
      // A warm-up that fails (a worker out of memory) is tried again by the next page, which reads anyway.
      await (warm ??= workers.run({ input: '', kind: 'text', warmUp: true }).catch(() => (warm = undefined)))
      if (workers.queueSize >= options.maxQueue)
        throw new PageNotRead('Too many pages are being read; try again in a second', 'busy')
      let answer: ReadPageAnswer
      try {
        answer = await workers.run({ input, kind }, { signal: AbortSignal.timeout(options.budgetMs) })
      } catch (error) {
        const name = (error as Error).name
        const code = (error as { code?: string }).code
        if (name === 'AbortError' || name === 'TimeoutError' || code === 'ERR_WORKER_OUT_OF_MEMORY') warm = undefined
        if (name === 'AbortError' || name === 'TimeoutError') {
          throw new PageNotRead(
            `The page could not be read within ${options.budgetMs} ms; an annual report takes a few`,
            'unreadable'
          )
        }
        if (code === 'ERR_WORKER_OUT_OF_MEMORY')
          throw new PageNotRead('The page needs more memory to read than an annual report does', 'unreadable')
        if ((error as Error).message?.includes('queue is at limit'))
          throw new PageNotRead('Too many pages are being read; try again in a second', 'busy')
        throw error
      }
      if (!answer.ok) throw new PageNotRead(answer.reason, 'unreadable')
      return answer.reading
    },
    async close() {
      await pool?.destroy()
      pool = undefined
    }
  }
}

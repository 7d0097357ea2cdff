// The writer: every report PUT is stored by one thread of its own (src/workers/writer.ts), with
// its own connection, while the server's thread goes on parsing, validating and answering. The
// writer runs the submissions' group commit (services/submissions.ts) exactly as the server did:
// the submissions that arrive together are decided in turn and committed together, and each
// answer comes back only after that commit. An in-memory database cannot be shared between
// threads: there the submissions run on the server's thread.
import type { Worker } from 'node:worker_threads'
import { canonicalContent, type CanonicalContent } from '../domain/content-hash.js'
import type { Report } from '../domain/report.js'
import { PreconditionFailed, ReportInvalid, ReportLocked, WriteOutcomeUnknown } from '../errors.js'
import type { SubmitOptions, Submissions, Submitted } from './submissions.js'
import { startWorker } from './worker-thread.js'

export interface Writer {
  /** Stores `report` (submissions.submit), committed with the others of the same moment. */
  submit(report: Report, options: SubmitOptions): Promise<Submitted>
  /** Starts the writer thread loading now (before the database is ready), its connection not yet open. */
  load(): void
  /** Opens the writer's connection (the database is ready), starting the thread if need be. */
  start(): void
  /** True once the writer's connection is open (the thread has loaded): /readyz reports it. */
  ready(): boolean
  /** How many group commits the writer has made since it started (each may hold several submissions). */
  commits(): number
  /** Resolves once every submission handed over so far has been answered. */
  settled(): Promise<void>
  /** Ends the writer thread, its connection closed cleanly. */
  close(): Promise<void>
}

/**
 * A message to the writer, and its answer: the result, a problem to answer with, or a failure.
 * The report goes over as its canonical JSON, made with its hash on the server's thread: a
 * string crosses threads at the cost of a copy, and the writer parses it back.
 */
export interface WriteRequest {
  id: number
  options: SubmitOptions & { content: CanonicalContent }
}
export type WriteAnswer = { id: number } & (
  | { value: Submitted }
  | { problem: { code: string; message: string; errors?: unknown[] } }
  | { failure: { message: string; stack?: string | undefined } }
)
/** The answers of one group commit go back as one message, with the writer's count of commits. */
export interface WriteAnswers {
  commits: number
  answers: WriteAnswer[]
}

/** The problems a submission is refused with, by code: they cross the thread as data. */
const PROBLEMS = { PRECONDITION_FAILED: PreconditionFailed, REPORT_LOCKED: ReportLocked, REPORT_INVALID: ReportInvalid }

/** The writer's side: what to post for a submission's error. */
export function answerFor(id: number, error: unknown): WriteAnswer {
  const { code, message, stack, errors } = error as {
    code?: string
    message?: string
    stack?: string
    errors?: unknown[]
  }
  if (code && code in PROBLEMS) return { id, problem: { code, message: message ?? '', ...(errors ? { errors } : {}) } }
  return { id, failure: { message: message ?? String(error), stack } }
}

function errorOf(answer: Extract<WriteAnswer, { problem: unknown } | { failure: unknown }>): Error {
  if ('problem' in answer) {
    const { code, message, errors } = answer.problem
    return Object.assign(new PROBLEMS[code as keyof typeof PROBLEMS](), { message }, errors ? { errors } : {})
  }
  return Object.assign(new Error(answer.failure.message), { stack: answer.failure.stack })
}

/**
 * A writer for the database at `path`; `local` gives the submissions an in-memory database runs
 * on the server's thread (asked for once the database is open). `committed` is called before
 * each answer is handed on, so that what the server caches by data version sees the writer's
 * commit at once.
 */
export function createWriter(path: string, local: () => Submissions, committed: () => void): Writer {
  if (path === ':memory:')
    return {
      submit: (report, options) => local().submitTogether(report, options),
      load: () => {},
      start: () => {},
      ready: () => true,
      commits: () => local().commits(),
      settled: () => Promise.resolve(local().drain()),
      close: async () => {}
    }

  let worker: Worker | undefined
  /** 'open' has been posted to `worker`. */
  let asked = false
  let opened = false
  let last = 0
  // The submissions of one turn of the event loop go over as one message, decided and committed
  // together on the writer's side.
  let outbox: WriteRequest[] = []
  const post = () => {
    const batch = outbox
    outbox = []
    start()
    worker!.postMessage(batch)
  }
  let commits = 0
  const pending = new Map<number, { resolve: (value: Submitted) => void; reject: (error: Error) => void }>()
  const whenSettled: Array<() => void> = []
  const settle = () => {
    if (pending.size > 0) return
    for (const resolve of whenSettled.splice(0)) resolve()
  }
  const abandon = (thread: Worker) => {
    if (worker !== thread) return
    worker = undefined
    asked = false
    opened = false
    for (const { reject } of pending.values()) reject(new WriteOutcomeUnknown('the writer thread stopped'))
    pending.clear()
    settle()
  }

  function thread(): Worker {
    if (worker) return worker
    const started = startWorker('writer', { databasePath: path })
    started.on('message', (message: WriteAnswers | 'ready') => {
      if (message === 'ready') {
        opened = true
        return
      }
      commits = message.commits
      committed()
      for (const answer of message.answers) {
        const waiting = pending.get(answer.id)
        if (!waiting) continue
        pending.delete(answer.id)
        if ('value' in answer) waiting.resolve(answer.value)
        else waiting.reject(errorOf(answer))
      }
      settle()
    })
    started.on('error', () => abandon(started))
    started.on('exit', () => abandon(started))
    worker = started
    return started
  }

  function start(): void {
    const running = thread()
    if (asked) return
    running.ref()
    running.postMessage('open')
    asked = true
  }

  return {
    submit(report, options) {
      return new Promise((resolve, reject) => {
        const id = ++last
        pending.set(id, { resolve, reject })
        if (outbox.push({ id, options: { ...options, content: canonicalContent(report) } }) === 1) setImmediate(post)
      })
    },
    // Until it is opened the thread does not keep the process alive: a server that fails to
    // start (its database unreadable, say) still exits.
    load: () => void thread().unref(),
    start,
    ready: () => opened,
    commits: () => commits,
    settled() {
      return pending.size === 0 ? Promise.resolve() : new Promise((resolve) => whenSettled.push(resolve))
    },
    async close() {
      const running = worker
      if (!running) return
      if (outbox.length > 0) post()
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.ref() // a thread never opened is unref'd: its exit is still awaited
      running.postMessage('close')
      await exited
    }
  }
}

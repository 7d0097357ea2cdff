// The writer thread (src/services/writer.ts): the report PUTs' submissions on a connection of
// its own, committed together as they arrive, each answered after its commit.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase, type Connection } from '../db/connection.js'
import type { Report } from '../domain/report.js'
import { createRepositories } from '../plugins/db.js'
import { createSubmissions, type Submissions } from '../services/submissions.js'
import { answerFor, type WriteAnswer, type WriteAnswers, type WriteRequest } from '../services/writer.js'

const port = parentPort!
const { databasePath } = workerData as { databasePath: string }
// The thread starts while the server is still migrating and seeding the database: its modules
// load meanwhile, and its connection opens once the server says the database is ready.
let open: { connection: Connection; submissions: Submissions } | undefined
// A group commit's answers are settled together (in one turn of microtasks): they go back as one message.
let answers: WriteAnswer[] = []
const send = () => {
  const message: WriteAnswers = { commits: open?.submissions.commits() ?? 0, answers }
  answers = []
  port.postMessage(message)
}
const answer = (message: WriteAnswer) => {
  if (answers.push(message) === 1) queueMicrotask(send)
}

port.on('message', (message: WriteRequest[] | 'open' | 'close') => {
  if (message === 'open') {
    const connection = openDatabase(databasePath)
    // The savepoints' journals in memory: a batch's outgrew SQLite's 64 KB spill limit every few
    // commits and went to a temporary file (created, written and unlinked). They are no part of
    // the database's durability, which the WAL gives; they matter only while the transaction is open.
    connection.sqlite.pragma('temp_store = MEMORY')
    open = { connection, submissions: createSubmissions(createRepositories(connection), () => new Date()) }
    port.postMessage('ready')
    return
  }
  if (message === 'close') {
    open?.submissions.drain() // what is queued is committed, and answered before the port closes
    setImmediate(() => {
      open?.connection.sqlite.close()
      port.close()
    })
    return
  }
  // The server posts 'open' before any submission.
  const { submissions } = open!
  for (const { id, options } of message)
    submissions.submitTogether(JSON.parse(options.content.json) as Report, options).then(
      (value) => answer({ id, value }),
      (error: unknown) => answer(answerFor(id, error))
    )
})

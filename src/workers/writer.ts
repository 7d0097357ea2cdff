// The writer thread (src/services/writer.ts): the report PUTs' submissions on a connection of
// its own, committed together as they arrive, each answered after its commit.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase, type Connection } from '../db/connection.js'
import type { Report } from '../domain/report.js'
import { createRepositories } from '../plugins/db.js'
import { createSubmissions, type Submissions } from '../services/submissions.js'
import { answerFor, type WriteAnswer, type WriteRequest } from '../services/writer.js'

const port = parentPort!
const { databasePath } = workerData as { databasePath: string }
// The thread starts while the server is still migrating and seeding the database: its modules
// load meanwhile, and its connection opens once the server says the database is ready.
let open: { connection: Connection; submissions: Submissions } | undefined
const answer = (message: WriteAnswer) => port.postMessage({ ...message, commits: open?.submissions.commits() })

port.on('message', (message: WriteRequest[] | 'open' | 'close') => {
  if (message === 'open') {
    const connection = openDatabase(databasePath)
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

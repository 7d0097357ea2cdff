// The writer thread (src/services/writer.ts): the report PUTs' submissions on a connection of
// its own, committed together as they arrive, each answered after its commit.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../db/connection.js'
import type { Report } from '../domain/report.js'
import { createRepositories } from '../plugins/db.js'
import { createSubmissions } from '../services/submissions.js'
import { answerFor, type WriteAnswer, type WriteRequest } from '../services/writer.js'

const port = parentPort!
const connection = openDatabase((workerData as { databasePath: string }).databasePath)
const submissions = createSubmissions(createRepositories(connection), () => new Date())
port.postMessage('ready')
const answer = (message: WriteAnswer) => port.postMessage({ ...message, commits: submissions.commits() })

port.on('message', (message: WriteRequest[] | 'close') => {
  if (message === 'close') {
    submissions.drain() // what is queued is committed, and answered before the port closes
    setImmediate(() => {
      connection.sqlite.close()
      port.close()
    })
    return
  }
  for (const { id, options } of message)
    submissions.submitTogether(JSON.parse(options.content.json) as Report, options).then(
      (value) => answer({ id, value }),
      (error: unknown) => answer(answerFor(id, error))
    )
})

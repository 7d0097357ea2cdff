// The yardsticks: a bare Fastify server with the same framework and defaults but none of the
// service's machinery, doing only the work a route cannot avoid, so that the service's figures
// read as ratios measured in the same run on the same machine.
//   GET /bare         a tiny JSON document
//   GET /bare-sized   the very bytes of a service response, headers (BARE_HEADERS_FILE) and
//                     body (BARE_BODY_FILE), sent from memory: the floor of a cached answer
//                     (`same-bytes`)
//   PUT /bare         parses the body and answers 204, storing nothing
//   PUT /bare-store   parses the body and inserts it into SQLite in one transaction, WAL,
//                     synchronous=FULL (BARE_DATABASE_PATH): the floor of a durable write
//                     (`storage-floor`)
import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import Fastify from 'fastify'

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
const body = { status: 'ok', service: 'bare', items: [1, 2, 3] }
app.get('/bare', async () => body)
const sized = process.env.BARE_BODY_FILE ? readFileSync(process.env.BARE_BODY_FILE) : Buffer.from(JSON.stringify(body))
const sizedHeaders = process.env.BARE_HEADERS_FILE
  ? (JSON.parse(readFileSync(process.env.BARE_HEADERS_FILE, 'utf8')) as Record<string, string>)
  : { 'content-type': 'application/json; charset=utf-8' }
app.get('/bare-sized', async (_request, reply) => reply.headers(sizedHeaders).send(sized))
app.put('/bare', async (_request, reply) => reply.code(204).send())

if (process.env.BARE_DATABASE_PATH) {
  const sqlite = new Database(process.env.BARE_DATABASE_PATH)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.exec('CREATE TABLE IF NOT EXISTS bodies (id INTEGER PRIMARY KEY, path TEXT NOT NULL, body TEXT NOT NULL)')
  const insert = sqlite.prepare('INSERT INTO bodies (path, body) VALUES (?, ?)')
  const store = sqlite.transaction((path: string, value: unknown) => insert.run(path, JSON.stringify(value)))
  app.put('/bare-store/*', async (request, reply) => {
    store(request.url, request.body)
    return reply.code(204).send()
  })
}

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3901) })
process.send?.('ready')

// The yardstick: a bare Fastify server with the same framework and defaults but no work, so
// that the service's figures can be read as ratios measured in the same run on the same machine.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
const body = { status: 'ok', service: 'bare', items: [1, 2, 3] }
app.get('/bare', async () => body)
// The same JSON document as a service response (BARE_BODY_FILE), to tell the cost of moving its
// bytes (server, kernel and load generator on the same two cores) from the service's own work.
const sized = process.env.BARE_BODY_FILE
  ? (JSON.parse(readFileSync(process.env.BARE_BODY_FILE, 'utf8')) as unknown)
  : body
app.get('/bare-sized', async () => sized)
app.put('/bare', async (_request, reply) => reply.code(204).send())
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3901) })
process.send?.('ready')

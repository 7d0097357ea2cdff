// Liveness and readiness, for load balancers and the container HEALTHCHECK.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemBody, problemResponse } from '../plugins/errors.js'

const Status = Type.Object({ status: Type.String() })

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'The process is up',
        response: { 200: Status }
      }
    },
    async () => ({ status: 'ok' })
  )

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'Ready to serve: the database open, migrated and seeded, the writer started',
        response: { 200: Status, 503: problemResponse('Not ready yet') }
      }
    },
    async (request, reply) => {
      const waitingFor = !app.databaseReady()
        ? 'The database is not open or not seeded'
        : !app.writer.ready()
          ? 'The writer thread has not started yet'
          : undefined
      if (waitingFor === undefined) return { status: 'ready' }
      return reply
        .code(503)
        .type('application/problem+json')
        .send(problemBody(request, 503, 'NOT_READY', waitingFor))
    }
  )
}

export default healthRoutes

// The writer (services/writer.ts) that stores report PUTs, started with the server; at
// shutdown the submissions handed over are committed and answered before the server stops.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createSubmissions } from '../services/submissions.js'
import { createWriter, type Writer } from '../services/writer.js'

declare module 'fastify' {
  interface FastifyInstance {
    writer: Writer
  }
}

export default fp(
  async function writer(app: FastifyInstance, options: { databasePath: string }) {
    const { repos } = app
    app.decorate(
      'writer',
      createWriter(
        options.databasePath,
        createSubmissions(repos, () => app.now()),
        () => repos.rollups.committedElsewhere()
      )
    )
    // Before the server stops: so that the connections of the PUTs in hand are idle (and closed)
    // when it does, rather than held open by a late answer.
    // Started with the server, so that the first PUT does not wait for the thread to load.
    app.addHook('onReady', () => app.writer.start())
    app.addHook('preClose', () => app.writer.settled())
    app.addHook('onClose', () => app.writer.close())
  },
  { name: 'writer', dependencies: ['db'] }
)

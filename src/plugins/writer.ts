// The writer (services/writer.ts) that stores report PUTs, started with the server; at
// shutdown the submissions handed over are committed and answered before the server stops.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createSubmissions, type Submissions } from '../services/submissions.js'
import { createWriter, type Writer } from '../services/writer.js'

declare module 'fastify' {
  interface FastifyInstance {
    writer: Writer
  }
}

export default fp(
  async function writer(app: FastifyInstance, options: { databasePath: string }) {
    // Registered before the database plugin, which opens, migrates and seeds the database: the
    // thread loads its modules meanwhile (on another core), and opens its connection at onReady.
    let local: Submissions | undefined
    app.decorate(
      'writer',
      createWriter(
        options.databasePath,
        () => (local ??= createSubmissions(app.repos, () => app.now())),
        () => app.repos.rollups.committedElsewhere()
      )
    )
    app.writer.load()
    // Opened with the server, so that the first PUT does not wait for the thread to load.
    app.addHook('onReady', () => app.writer.start())
    // Before the server stops: so that the connections of the PUTs in hand are idle (and closed)
    // when it does, rather than held open by a late answer.
    app.addHook('preClose', () => app.writer.settled())
    app.addHook('onClose', () => app.writer.close())
  },
  { name: 'writer' }
)

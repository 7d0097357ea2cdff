// The database plugin: owns the connection (opened, migrated and seeded at start, closed with
// the app) and exposes the repositories, the only code that builds queries.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { openDatabase, type Connection } from '../db/connection.js'
import { createAuditRepository } from '../db/repositories/audit.js'
import { createBulkLoad } from '../db/repositories/bulk-load.js'
import { createCells } from '../db/repositories/cells.js'
import { createCoverageRepository } from '../db/repositories/coverage.js'
import { createDeadlinesRepository } from '../db/repositories/deadlines.js'
import { createDivisionsRepository } from '../db/repositories/divisions.js'
import { createExportsRepository } from '../db/repositories/export-pages.js'
import { createPeersRepository } from '../db/repositories/peers.js'
import { createQualityRepository } from '../db/repositories/quality.js'
import { createReportsRepository } from '../db/repositories/reports.js'
import { createReviewsRepository } from '../db/repositories/reviews.js'
import { createRollups } from '../db/repositories/rollups.js'
import { createTokensRepository } from '../db/repositories/tokens.js'
import { seedDivisions } from '../db/seed-divisions.js'

/** Every repository over one connection, each answering one question. */
export function createRepositories(connection: Connection) {
  const { db, sqlite } = connection
  const rollups = createRollups(sqlite)
  const cells = createCells(sqlite)
  return {
    divisions: createDivisionsRepository(connection),
    /** Heads and revisions: the write of a submission, and the list of reports. */
    reports: createReportsRepository(db, rollups, cells),
    /** The district's accept and return of a revision. */
    reviews: createReviewsRepository(db, rollups, cells),
    /** What the peer rules compare a report with. */
    peers: createPeersRepository(sqlite),
    /** Every township under a division with its report's state. */
    coverage: createCoverageRepository(db),
    /** Reports a page at a time for the exports. */
    exports: createExportsRepository(db),
    bulk: createBulkLoad(db, cells),
    deadlines: createDeadlinesRepository(connection, rollups, cells),
    rollups,
    tokens: createTokensRepository(connection.db),
    quality: createQualityRepository(connection),
    audit: createAuditRepository(connection.db)
  }
}

export type Repositories = ReturnType<typeof createRepositories>

declare module 'fastify' {
  interface FastifyInstance {
    repos: Repositories
    /** True once the database is open and migrated; /readyz reports it. */
    databaseReady(): boolean
  }
}

export default fp(
  async function db(app: FastifyInstance, options: { databasePath: string }) {
    const started = performance.now()
    const connection: Connection = openDatabase(options.databasePath)
    const repos = createRepositories(connection)
    const seeded = seedDivisions(repos.divisions)
    app.log.info(
      { databasePath: options.databasePath, seededDivisions: seeded, ms: Math.round(performance.now() - started) },
      'database ready'
    )
    app.decorate('repos', repos)
    app.decorate('databaseReady', () => connection.sqlite.open && repos.divisions.seededFrom() !== undefined)
    app.addHook('onClose', async () => {
      connection.sqlite.close()
    })
  },
  { name: 'db' }
)

// Test helper: the app exactly as production builds it, on a fresh database file per test.
// The registry is seeded once per test process into a template file that each test copies.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_CONFIG, type AppConfig } from '../src/config.js'
import { buildApp, type BuildOptions } from '../src/app.js'
import { openDatabase } from '../src/db/connection.js'
import { createDivisionsRepository } from '../src/db/repositories/divisions.js'
import { seedDivisions } from '../src/db/seed-divisions.js'
import type { Role } from '../src/domain/access.js'
import type { Report } from '../src/domain/report.js'
import { issueToken } from '../src/services/tokens.js'

const root = mkdtempSync(join(tmpdir(), 'ogi-test-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))

const seeded = join(root, 'seeded.sqlite')
let counter = 0

/** A fresh database file with the registry already seeded. */
export function freshDatabasePath(): string {
  if (!existsSync(seeded)) {
    const connection = openDatabase(seeded)
    const { sqlite } = connection
    seedDivisions(createDivisionsRepository(connection))
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    sqlite.close()
  }
  const path = join(root, `test-${process.pid}-${++counter}.sqlite`)
  copyFileSync(seeded, path)
  return path
}

export interface TestApp {
  app: FastifyInstance
  databasePath: string
  /** Every log line written so far, as text. */
  readonly logs: () => string
}

interface Tap {
  teardown(fn: () => unknown): void
}

export async function build(
  t: Tap,
  { config, ...options }: Omit<BuildOptions, 'logStream'> & { config?: Partial<AppConfig> } = {}
): Promise<TestApp> {
  const databasePath = freshDatabasePath()
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    }
  })
  const app = await buildApp({ ...DEFAULT_CONFIG, port: 0, databasePath, ...config }, { ...options, logStream })
  t.teardown(() => app.close())
  return { app, databasePath, logs: () => lines.join('') }
}

/** The repository's own fixtures: real published reports and their canonical JSON. */
export const FIXTURES = resolve(import.meta.dirname, 'fixtures')

/** The real published report of 峰市镇 (永定区) for 2020, in canonical JSON. */
export function fengshi(): Report {
  return JSON.parse(readFileSync(join(FIXTURES, 'fengshi-2020.json'), 'utf8')) as Report
}

/** A deep copy with one change applied. */
export function edit<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value)
  change(copy)
  return copy
}

/** A clock fixed at the given ISO instant, that can be moved. */
export function clock(iso: string) {
  let now = new Date(iso)
  return {
    now: () => now,
    set: (next: string) => {
      now = new Date(next)
    }
  }
}

/** A token of the given role and scope, issued straight through the service as the CLI does. */
export function tokenFor(
  app: FastifyInstance,
  role: Role,
  scope?: string
): { id: string; headers: { authorization: string } } {
  const { row, token } = issueToken(
    app.repos,
    { role, scope },
    { actor: null, requestId: 'test', clientAddress: '127.0.0.1' },
    new Date()
  )
  return { id: row.id, headers: { authorization: `Bearer ${token}` } }
}

const adminTokens = new WeakMap<FastifyInstance, { authorization: string }>()

/** The Authorization header of an admin token for this app, issued on first use. */
export function asAdmin(app: FastifyInstance): { authorization: string } {
  let headers = adminTokens.get(app)
  if (!headers) {
    headers = tokenFor(app, 'admin').headers
    adminTokens.set(app, headers)
  }
  return headers
}

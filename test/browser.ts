// Debian's Chromium driven by playwright-core, as the browser tests use it: the binary, the
// flags that work on these machines (no network beyond loopback, running as root), and a real
// server on demo data for the pages to call.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type Server } from '../bench/harness.js'
import { prepareDatabase } from '../scripts/reliability/database.js'

export const CHROMIUM = '/usr/bin/chromium'

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** tap's skip option: false where Chromium is installed, else the reason. */
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (.ci/run installs it)`

/**
 * The server (from src, through tsx) on a fresh database with the registry and demo reports of
 * `years` (seed-demo's --years and --scale), and an admin token for it.
 */
export async function demoServer(
  t: { teardown(fn: () => unknown): void },
  years: string,
  scale?: string
): Promise<{ server: Server; admin: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-browser-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'ogi.sqlite')
  const admin = prepareDatabase(path)
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/seed-demo.ts', '--years', years, ...(scale ? ['--scale', scale] : [])],
    { env: { ...process.env, DATABASE_PATH: path } }
  )
  const server = await startServer('src/server.ts', { DATABASE_PATH: path, LOG_LEVEL: 'warn' }, 0, '/readyz')
  t.teardown(() => server.stop())
  return { server, admin }
}

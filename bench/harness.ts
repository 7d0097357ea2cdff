// Bench plumbing: start a server as a child process on loopback, wait for it, sample its
// memory, run autocannon against it from this process, and stop it.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import autocannon from 'autocannon'

export interface Server {
  url: string
  pid: number
  /** SIGTERM, and wait for the process to end. */
  stop(): Promise<void>
  /** Sends a signal; resolves with how the process ended. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** A port the OS has just handed out on loopback (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/**
 * The flags the service runs with, as `npm start` and the Dockerfile start it: a young
 * generation of 4 MB semi-spaces (V8's default grows to 16) keeps the server's memory ~40 MB
 * lower at no cost measured in its PUTs or exports.
 */
export const SERVICE_FLAGS = ['--max-semi-space-size=4']

/** The service as `npm start` runs it: the bundle `npm run build` makes (scripts/bundle-server.mjs). */
export const SERVICE = 'dist/bin/server.js'

/**
 * Starts `script` (compiled JS as is, with the service's flags if it is the service;
 * TypeScript through tsx) and waits until it answers
 * `probe`; on a free port the OS picks when `port` is 0.
 */
export async function startServer(
  script: string,
  env: Record<string, string>,
  requestedPort: number,
  probe: string
): Promise<Server> {
  const port = requestedPort === 0 ? await freePort() : requestedPort
  const args = script.endsWith('.ts')
    ? ['--import', 'tsx', script]
    : [...(script === SERVICE ? SERVICE_FLAGS : []), script]
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  )
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`)
    try {
      // Bounded: a probe that hangs (a port briefly held by another process) is retried, not awaited forever.
      if ((await fetch(url + probe, { signal: AbortSignal.timeout(2000) })).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${script} did not start within 2 minutes`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return { url, pid: child.pid!, kill, stop: async () => void (await kill('SIGTERM')) }
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^(\w+):\s+(\d+) kB$/m.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[2] ?? 0)
  return Math.round(kb / 1024)
}

export interface Load {
  url: string
  seconds: number
  connections: number
  method?: 'GET' | 'PUT'
  headers?: Record<string, string>
  /** Bodies to send in turn (PUT). */
  bodies?: string[]
  paths?: string[]
}

export interface Result {
  rps: number
  p50: number
  p99: number
  /** Mean latency in ms, with decimals (the percentiles are whole milliseconds). */
  mean: number
  errors: number
  non2xx: number
}

/** Runs autocannon for a fixed time; every run is bounded in time and aimed at loopback only. */
export async function load(options: Load): Promise<Result> {
  let i = 0
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.bodies || options.paths
      ? {
          requests: [
            {
              setupRequest: (request: Record<string, unknown>) => {
                const n = i++
                if (options.bodies) request.body = options.bodies[n % options.bodies.length]
                if (options.paths) request.path = options.paths[n % options.paths.length]
                return request
              }
            }
          ]
        }
      : {})
  } as autocannon.Options)
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: Number(result.latency.average.toFixed(2)),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx
  }
}

/**
 * A case and its yardstick measured in turns (yardstick, case, yardstick, case, …), the median
 * of each kept: on a shared machine the speed drifts within a run, and taking turns spreads the
 * drift over both.
 */
export async function inTurns(
  rounds: number,
  yardstick: () => Promise<Result>,
  subject: () => Promise<Result>
): Promise<{ yardstick: Result; subject: Result }> {
  const a: Result[] = []
  const b: Result[] = []
  for (let i = 0; i < rounds; i++) {
    a.push(await yardstick())
    b.push(await subject())
  }
  const median = (results: Result[]) => [...results].sort((x, y) => x.rps - y.rps)[Math.floor(results.length / 2)]!
  return { yardstick: median(a), subject: median(b) }
}

export const ratio = (value: number, base: number) => `${Math.round((value / base) * 100)}%`

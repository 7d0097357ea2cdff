// `npm run bench -- import-worst`: every import bomb of the hostile suite against the compiled
// service on loopback, three times each. Per case: the slowest answer, the server's memory growth
// over its resident size before the case (peak sampled every 5 ms), and the slowest /healthz
// answered meanwhile (a stalled event loop would show here). Targets: ≤ 1 s, < 100 MB.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { importBombs } from '../scripts/reliability/import-bombs.js'
import { rssMb, startServer, SERVICE } from './harness.js'

export async function importWorstCases(
  dataDir: string,
  row: (name: string, figures: Record<string, string | number>) => void
) {
  const path = join(dataDir, 'import-worst.sqlite')
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  const service = await startServer(
    SERVICE,
    { DATABASE_PATH: path, LOG_LEVEL: 'warn', IMPORT_LIMIT_PER_MINUTE: '1000000' },
    3903,
    '/readyz'
  )
  try {
    const post = (type: string, body: string) =>
      fetch(`${service.url}/v1/imports`, { method: 'POST', headers: { 'content-type': type }, body })
    const bombs = importBombs()
    // Starts the reading worker, so that its start is not counted against the first case.
    await (await post('text/plain', bombs[4]!.body)).text()
    for (const bomb of bombs) {
      const before = rssMb(service.pid)
      let peak = before
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(service.pid))), 5)
      let probing = true
      let slowestProbe = 0
      const probes = (async () => {
        while (probing) {
          const started = performance.now()
          await (await fetch(`${service.url}/healthz`)).text()
          slowestProbe = Math.max(slowestProbe, performance.now() - started)
        }
      })()
      let slowest = 0
      let status = 0
      for (let i = 0; i < 3; i++) {
        const started = performance.now()
        const response = await post(bomb.contentType, bomb.body)
        await response.text()
        slowest = Math.max(slowest, performance.now() - started)
        status = response.status
      }
      probing = false
      await probes
      clearInterval(sampler)
      row(`import bomb: ${bomb.name}`, {
        KB: Math.round(Buffer.byteLength(bomb.body) / 1024),
        status,
        worstMs: Math.round(slowest),
        growthMB: peak - before,
        healthzWorstMs: Math.round(slowestProbe),
        target: '≤ 1000 ms, < 100 MB'
      })
    }
  } finally {
    await service.stop()
  }
}

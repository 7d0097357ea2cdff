// npm run test:reliability: the long versions of the reliability checks (CI runs short ones in
// test/reliability.test.ts): 20 crash rounds, 10,000 hostile requests, 60 s of sustained load,
// a graceful shutdown under load, and a backup while serving.
import { execFileSync } from 'node:child_process'

const checks: Array<[string, string[]]> = [
  ['crash safety, 20 rounds', ['scripts/reliability/crash.ts', '20']],
  ['hostile input, 10,000 requests', ['scripts/reliability/hostile.ts', '10000']],
  ['graceful shutdown under load', ['scripts/reliability/shutdown.ts']],
  ['backup while serving, and restore', ['scripts/reliability/backup.ts']],
  ['sustained load, 60 s', ['scripts/reliability/sustained.ts', '60']]
]
let passed = 0
let failed = 0
for (const [name, args] of checks) {
  console.log(`\n== ${name}`)
  try {
    execFileSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit' })
    passed++
  } catch {
    failed++
  }
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)

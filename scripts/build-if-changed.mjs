// `npm start`'s first step: compile src/ to dist/ only when a source is newer than the last build
// (as make does, by modification time), so that a start with a built tree costs no compile.
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const STAMP = 'dist/.tsbuildinfo'
const INPUTS = ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']

/** The newest modification time under a file or folder. */
function newest(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

let built = 0
try {
  built = statSync(STAMP).mtimeMs
} catch {
  // never built
}
if (Math.max(...INPUTS.map(newest)) > built) {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
}

// The API as client developers meet it: types generated from the committed OpenAPI document and
// a client compiled against them and run (test/clients/typescript), and the Python example of
// docs/clients.md run as it is printed there, against a real listening server.
import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { join } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import t from 'tap'
import type { Report } from '../src/domain/report.js'
import { asAdmin, build, edit, fengshi } from './helper.js'

const CLIENT = new URL('clients/typescript/', import.meta.url)
const DOCUMENT = new URL('../openapi/openapi.json', import.meta.url)

/** The app listening on a loopback port, and an admin token. */
async function server(t: Parameters<typeof build>[0]) {
  const { app } = await build(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, token: asAdmin(app).authorization.slice('Bearer '.length) }
}

const run = promisify(execFile)
const RECEIVED = (fengshi().requests.received as { total: number }).total

const work = mkdtempSync(join(tmpdir(), 'ogi-clients-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
const reportFile = join(work, 'report.json')
writeFileSync(reportFile, JSON.stringify(fengshi()))

t.test('TypeScript: a client generated from the document compiles and runs', async (t) => {
  // Generated here from the committed document, as a client's developers would.
  mkdirSync(new URL('generated/', CLIENT), { recursive: true })
  writeFileSync(new URL('generated/schema.d.ts', CLIENT), astToString(await openapiTS(DOCUMENT)))
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/clients/typescript'], {
    encoding: 'utf8'
  })
  t.equal(tsc.status, 0, `the client typechecks against the generated types ${tsc.stdout}${tsc.stderr}`)

  const { url, token } = await server(t)
  // In a process of its own, as a township's system would be (and so that this one serves it).
  const { stdout } = await run(process.execPath, [
    '--import',
    'tsx',
    new URL('run.ts', CLIENT).pathname,
    url,
    token,
    reportFile
  ])
  const result = JSON.parse(stdout) as Record<string, unknown>
  t.match(result, {
    revision: 1,
    etag: /^"/,
    notModified: 304,
    status: 'submitted',
    received: RECEIVED,
    expected: 24,
    missing: 23,
    firstMissing: /^350803/
  })
})

/** The Python example exactly as docs/clients.md prints it. */
const python = /```python\n([\s\S]*?)```/.exec(
  readFileSync(new URL('../docs/clients.md', import.meta.url), 'utf8')
)![1]!
const hasPython = spawnSync('python3', ['--version']).status === 0

t.test(
  'Python: the example of docs/clients.md',
  { skip: hasPython ? false : 'python3 is not installed' },
  async (t) => {
    const script = join(work, 'submit.py')
    writeFileSync(script, python)
    const { url, token } = await server(t)
    const submit = (file: string) =>
      run('python3', [script, url, token, file]).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error
      )

    const ok = await submit(reportFile)
    t.equal(ok.code, 0, ok.stderr)
    const result = JSON.parse(ok.stdout) as Record<string, number | string>
    t.match(result, { revision: 1, status: 'submitted', districtReceived: RECEIVED, expected: 24, missing: 23 })
    t.equal(result.unitReceived, RECEIVED, 'cells.csv read back with csv')
    t.ok(Number(result.csvRows) >= 198, 'a row per cell')

    const broken = join(work, 'broken.json')
    const received = (r: Report) => r.requests.received as { naturalPerson: number }
    writeFileSync(broken, JSON.stringify(edit(fengshi(), (r) => (received(r).naturalPerson += 1))))
    const refused = await submit(broken)
    t.equal(refused.code, 1, 'a refused report ends the script with 1')
    t.match(refused.stderr, /^422 REPORT_INVALID/)
    t.match(refused.stderr, /\/requests\/received\/naturalPerson/, 'each finding named by pointer')
  }
)

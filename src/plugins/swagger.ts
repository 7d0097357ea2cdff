// The OpenAPI 3.1 document, generated from the route schemas: served at /openapi.json, browsable
// at /docs, and written to openapi/openapi.json by `npm run openapi`.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const OPENAPI_INFO = {
  title: 'ogi-reports',
  // The document's own release: 1.x while the API is /v1 (additions only; openapi/openapi-1.0.0.json is 1.0.0).
  version: '1.1.0',
  license: { name: 'MIT', identifier: 'MIT' },
  contact: { name: 'ogi-reports: the district office that runs this service' },
  description:
    'System of record for the annual reports on open government information (政府信息公开工作年度报告) ' +
    "of China's townships: submission and validation against the national templates (gb2019, gb2021) and " +
    'their consistency rules (勾稽关系), immutable revisions, review, aggregates, coverage and exports. ' +
    'Errors are RFC 9457 problem details (application/problem+json) with a stable `code`.'
}

/** A copy of a JSON value without the properties named `key`, at any depth. */
function withoutKey<T>(value: T, key: string): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutKey(item, key)) as T
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => name !== key)
      .map(([name, item]) => [name, withoutKey(item, key)])
  ) as T
}

type Parameter = { in?: string; required?: boolean; schema?: { default?: unknown } }

/**
 * A query parameter the server defaults (limit) is one a client may leave out: the validator
 * fills it in, so its schema lists it as required, but the document must not.
 */
function optionalDefaults<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, { parameters?: Parameter[] }>> }).paths ?? {}
  for (const operation of Object.values(paths).flatMap((methods) => Object.values(methods)))
    for (const parameter of operation.parameters ?? [])
      if (parameter.in === 'query' && parameter.schema?.default !== undefined) delete parameter.required
  return document
}

export default fp(
  async function openapi(app: FastifyInstance, options: { publicUrl?: string | null }) {
    // Relative unless PUBLIC_URL says where the service is: a client resolves a relative server
    // against where it read the document, so any prefix a proxy mounts the service under works.
    const server = options.publicUrl ?? '.'
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: OPENAPI_INFO,
        servers: [{ url: server, description: 'This service' }],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'A token from `npm run token -- create` or POST /v1/tokens, shown once at creation'
            }
          }
        },
        tags: [
          { name: 'operations', description: 'Health and readiness' },
          { name: 'divisions', description: 'The registry of administrative divisions' },
          { name: 'reports', description: 'Submission, revisions and review of annual reports' },
          { name: 'templates', description: 'The national templates and their rules' },
          { name: 'aggregates', description: 'Sums, coverage and deadlines for any division or the whole country' },
          { name: 'exports', description: 'Bulk CSV and NDJSON, streamed' },
          { name: 'imports', description: 'Published reports (text, HTML, PDF or Word) read into canonical reports' },
          { name: 'quality', description: 'Findings across a division, and reviewers’ explanations' },
          { name: 'access', description: 'Tokens and the audit trail (admins; districts read their own audit)' }
        ]
      },
      // Our paths are the service's own (/v1/…); the server URL is not a prefix to strip from them.
      stripBasePath: false,
      // The schemas' errorMessage words our 400s; it is no OpenAPI keyword and would confuse generators.
      transformObject: (document) =>
        optionalDefaults(
          withoutKey('openapiObject' in document ? document.openapiObject : document.swaggerObject, 'errorMessage')
        ),
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
      }
    })
    // Swagger UI runs no inline script, so the app's own policy (helmet) serves it as it is; the
    // document it reads is docs/json, one level below the service's root.
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      transformSpecification: (document) => ({
        ...document,
        servers: [{ url: options.publicUrl ?? '..', description: 'This service' }]
      })
    })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' }
)

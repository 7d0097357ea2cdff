// The OpenAPI 3.1 document, generated from the route schemas: served at /openapi.json, browsable
// at /docs, and written to openapi/openapi.json by `npm run openapi`.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const OPENAPI_INFO = {
  title: 'ogi-reports',
  version: '1.0.0',
  description:
    'System of record for the annual reports on open government information (政府信息公开工作年度报告) ' +
    'of China\'s townships: submission and validation against the national templates (gb2019, gb2021) and ' +
    'their consistency rules (勾稽关系), immutable revisions, review, aggregates, coverage and exports. ' +
    'Errors are RFC 9457 problem details (application/problem+json) with a stable `code`.'
}

export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: OPENAPI_INFO,
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
          { name: 'imports', description: 'Published reports (text or HTML) read into canonical reports' },
          { name: 'quality', description: 'Findings across a division, and reviewers’ explanations' },
          { name: 'access', description: 'Tokens and the audit trail (admins; districts read their own audit)' }
        ]
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) }
    })
    // staticCSP: Swagger UI sends a Content-Security-Policy that allows its own assets under helmet.
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' }
)

// buildApp: the one composition root, used by the server and by the tests alike.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { AppConfig } from './config.js'
import cors from '@fastify/cors'
import helmet from 'helmet'
import auth from './plugins/auth.js'
import db from './plugins/db.js'
import writer from './plugins/writer.js'
import errors, { replyWithProblem, type ErrorWithDetails } from './plugins/errors.js'
import jsonBody from './plugins/json-body.js'
import openapi from './plugins/swagger.js'
import divisionRoutes from './routes/divisions.js'
import healthRoutes from './routes/health.js'
import aggregateRoutes from './routes/aggregates.js'
import auditRoutes from './routes/audit.js'
import dashboardRoutes from './routes/dashboard.js'
import pageRoutes from './routes/pages.js'
import exportRoutes from './routes/exports.js'
import importRoutes from './routes/imports.js'
import qualityRoutes from './routes/quality.js'
import reportRoutes from './routes/reports.js'
import templateRoutes from './routes/templates.js'
import tokenRoutes from './routes/tokens.js'
import { createLazySerializerCompiler, createValidatorCompiler } from './schemas/compiler.js'
import { PAGE_READER_DEFAULTS } from './services/page-reader.js'
import { SHARED_SCHEMAS } from './schemas/shared.js'

export interface BuildOptions {
  /** A pino destination for the logs (tests capture them); stdout when absent. */
  logStream?: NodeJS.WritableStream
  /** The clock, so tests can file reports before or after a deadline. */
  now?: () => Date
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The current time; injectable for tests. */
    now(): Date
  }
}

/** The headers a middleware sets on a response, when it sets them at once and alike for any request. */
function headersOf(
  middleware: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void
): Record<string, string> {
  const headers: Record<string, string> = {}
  let finished: { error?: unknown } | undefined
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader: (name: string) => delete headers[name.toLowerCase()]
  }
  middleware({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, (error) => {
    finished = { error }
  })
  if (!finished) throw new Error('the middleware did not finish at once')
  if (finished.error) throw finished.error as Error
  return headers
}

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops

export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger: FastifyServerOptions['logger'] = {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]'
    },
    ...(options.logStream ? { stream: options.logStream } : {})
  }
  const app = Fastify({
    logger,
    // Behind a reverse proxy, request.ip (rate limits, the audit trail, logs) is the real client.
    // A hop count trusts that many proxies in front of us (Fastify's types take it as a function).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 1024 * 1024,
    // A caller's X-Request-Id is kept when it is a plain token; anything else gets a fresh id.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : `req-${randomUUID()}`
    },
    return503OnClosing: true,
    // A request must arrive whole within 30 s: slow bodies cannot hold connections forever.
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: (error, request, reply) => void replyWithProblem(error as ErrorWithDetails, request, reply)
  })
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  app.setValidatorCompiler(createValidatorCompiler(SHARED_SCHEMAS))
  app.setSerializerCompiler(createLazySerializerCompiler(SHARED_SCHEMAS))
  app.decorate('now', options.now ?? (() => new Date()))
  // Dashboards on other origins may read the API when listed in CORS_ORIGINS; none by default
  // (and then no CORS hook runs at all).
  if (config.corsOrigins.length > 0) {
    await app.register(cors, { origin: config.corsOrigins, exposedHeaders: ['etag', 'location', 'x-request-id'] })
  }
  // helmet's headers, worked out once: with this configuration they are the same for every
  // request, so one hook sets them with the request id. Running helmet's middleware chain on
  // every request (as @fastify/helmet does, parsing the policy too) cost a tenth of a cached answer.
  const secureHeaders = headersOf(
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      hsts: false,
      // Browsers ignore it, with a console error, on an origin that is not HTTPS.
      crossOriginOpenerPolicy: false
    })
  )
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id).headers(secureHeaders)
    done()
  })
  // The transport decides two headers: over plain HTTP (a LAN, an intranet name) the browser must
  // not be told to fetch the page's own assets over https:// or to remember HSTS; over HTTPS
  // (PUBLIC_URL, or the proxy's X-Forwarded-Proto when TRUST_PROXY allows it) it is.
  const alwaysHttps = config.publicUrl?.startsWith('https:') ?? false
  // The service speaks plain HTTP itself: a request is HTTPS only by PUBLIC_URL or a trusted
  // proxy's X-Forwarded-Proto, so without either the hook is not installed at all.
  if (alwaysHttps || config.trustProxy !== false) {
    app.addHook('onSend', (request, reply, payload, done) => {
      if (alwaysHttps || request.protocol === 'https') {
        reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
        reply.header('cross-origin-opener-policy', 'same-origin')
        const csp = reply.getHeader('content-security-policy')
        if (typeof csp === 'string' && !csp.includes('upgrade-insecure-requests')) {
          reply.header('content-security-policy', `${csp.replace(/;?\s*$/, '')}; upgrade-insecure-requests`)
        }
      }
      done(null, payload)
    })
  }
  await app.register(errors)
  await app.register(jsonBody)
  await app.register(openapi, { publicUrl: config.publicUrl })
  await app.register(writer, { databasePath: config.databasePath })
  await app.register(db, { databasePath: config.databasePath })
  await app.register(auth, {
    writeLimitPerMinute: config.writeLimitPerMinute,
    authFailureLimitPerMinute: config.authFailureLimitPerMinute
  })

  await app.register(healthRoutes)
  await app.register(dashboardRoutes)
  await app.register(pageRoutes)
  await app.register(divisionRoutes, { prefix: '/v1' })
  await app.register(templateRoutes, { prefix: '/v1' })
  await app.register(reportRoutes, { prefix: '/v1', publicUrl: config.publicUrl })
  await app.register(aggregateRoutes, { prefix: '/v1' })
  await app.register(exportRoutes, { prefix: '/v1', databasePath: config.databasePath })
  await app.register(importRoutes, {
    prefix: '/v1',
    anonymousLimitPerMinute: config.importLimitPerMinute,
    reader: { ...PAGE_READER_DEFAULTS, budgetMs: config.importTimeBudgetMs }
  })
  await app.register(qualityRoutes, { prefix: '/v1' })
  await app.register(tokenRoutes, { prefix: '/v1' })
  await app.register(auditRoutes, { prefix: '/v1' })
  return app
}

// The one error envelope: every error and every unknown route becomes an RFC 9457 problem
// (application/problem+json), and every route documents the problems it can answer with.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { PROBLEM_TITLES, PROBLEM_TYPE_BASE, WriteOutcomeUnknown, type FieldIssue } from '../errors.js'
import type { ProblemT } from '../schemas/common.js'

/** Fastify's own error codes, mapped to ours; anything not here keeps its own code or is a 500. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_VALIDATION: 'VALIDATION',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_TYPE: 'MALFORMED_BODY',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'MALFORMED_URL'
}

const PROBLEM_DESCRIPTIONS: Record<string, string> = {
  '400': 'The request does not match its schema (errors name each field by JSON Pointer)',
  '404': 'Unknown route or resource',
  '500': 'Unexpected failure; the body never carries internals',
  '4xx': 'Any other refusal, as a problem'
}

/** A response documented as application/problem+json, for routes to declare their own statuses. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref('Problem') } } }
}

export type ErrorWithDetails = Omit<FastifyError, 'validation'> & {
  validation?: FieldIssue[]
  errors?: unknown[]
  /** Response headers the problem needs, e.g. WWW-Authenticate on a 401 or Retry-After on a 429. */
  headers?: Record<string, string>
}

export function problemBody(
  request: FastifyRequest,
  status: number,
  code: string,
  detail?: string,
  errors?: unknown[]
): ProblemT {
  return {
    type: PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-'),
    title: PROBLEM_TITLES[code] ?? code,
    status,
    ...(detail ? { detail } : {}),
    instance: request.url,
    code,
    requestId: request.id,
    ...(errors ? { errors: errors } : {})
  }
}

function sendProblem(reply: FastifyReply, body: ProblemT): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body)
}

/**
 * The error handler, also given to Fastify as `frameworkErrors` so that what its router refuses
 * (a malformed URL, a path parameter over its length) is a problem too.
 */
export function replyWithProblem(error: ErrorWithDetails, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof WriteOutcomeUnknown) {
    request.log.error({ err: error }, 'request dropped: its write may or may not be stored')
    reply.hijack()
    reply.raw.destroy()
    return reply
  }
  const problem = toProblem(error, request)
  if (error.headers && (problem.status < 500 || problem.status === 503)) reply.headers(error.headers)
  if (problem.status >= 500 && problem.status !== 503) request.log.error({ err: error }, 'request failed')
  else request.log.info({ code: problem.code, detail: problem.detail }, 'request refused')
  return sendProblem(reply, problem)
}

function toProblem(error: ErrorWithDetails, request: FastifyRequest): ProblemT {
  const status = error.statusCode ?? 500
  // A 503 of ours (a busy worker) says so; every other 5xx is an internal failure, never explained.
  const ours = error.code !== undefined && error.code in PROBLEM_TITLES
  if ((status >= 500 && !(status === 503 && ours)) || !error.code) {
    return problemBody(
      request,
      500,
      'INTERNAL',
      'An unexpected error occurred; it has been logged with the request id.'
    )
  }
  // A client error Fastify raised without its own code (e.g. prototype poisoning in a JSON body).
  const code = FASTIFY_CODES[error.code] ?? (error.code.startsWith('FST_') ? 'MALFORMED_BODY' : error.code)
  if (error.validation) {
    const issues = error.validation
    const names = issues.map((i) => (i.in === 'body' ? i.pointer || '/' : i.pointer.slice(1) || i.in))
    return problemBody(request, 400, 'VALIDATION', `Invalid ${[...new Set(names)].slice(0, 5).join(', ')}`, issues)
  }
  return problemBody(request, status, code, error.message, error.errors)
}

export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler(replyWithProblem)

    app.setNotFoundHandler((request, reply) =>
      sendProblem(
        reply,
        problemBody(request, 404, 'NOT_FOUND', `No route answers ${request.method} ${request.url.split('?')[0]}`)
      )
    )

    // Document the problem responses on every route: the statuses it declares itself stay,
    // every route can answer 400 (bad input), 404 and 500, and any other 4xx is a problem too.
    app.addHook('onRoute', (route) => {
      if (route.schema?.hide) return
      const response = ((route.schema ??= {}).response ??= {}) as Record<string, unknown>
      for (const status of ['400', '404', '500', '4xx'])
        response[status] ??= problemResponse(PROBLEM_DESCRIPTIONS[status] ?? '')
    })
  },
  { name: 'errors' }
)

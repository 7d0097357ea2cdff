// Every problem the API can answer with: a stable code, its HTTP status and title, made with
// @fastify/error so that handlers throw and the one error handler (plugins/errors.ts) replies.
import createError, { type FastifyErrorConstructor } from '@fastify/error'

export const PROBLEM_TYPE_BASE = 'https://ogi-reports.example/problems/'

/** One entry of a problem's `errors`: a schema error (400) names the field by JSON Pointer. */
export interface FieldIssue {
  /** Where the field is: the body, the query string or the path. */
  in: 'body' | 'query' | 'path' | 'header'
  pointer: string
  message: string
}

export const PROBLEM_TITLES: Readonly<Record<string, string>> = {
  VALIDATION: 'The request does not match its schema',
  MALFORMED_BODY: 'The request body could not be parsed',
  MALFORMED_URL: 'The request URL could not be read',
  URI_TOO_LONG: 'The request URL is too long',
  NOT_FOUND: 'There is nothing at this address',
  DIVISION_NOT_FOUND: 'No division has this code',
  REPORT_NOT_FOUND: 'No report is stored for this unit and year',
  REVISION_NOT_FOUND: 'The report has no such revision',
  TEMPLATE_NOT_FOUND: 'No template has this key',
  NOT_A_TOWNSHIP: 'Only townships file annual reports',
  REPORT_INVALID: 'The report breaks consistency rules',
  REPORT_LOCKED: 'The report has been accepted and is locked',
  REVIEW_NOT_ALLOWED: 'The report cannot be reviewed in its current state',
  PRECONDITION_FAILED: 'The report has changed since the revision named in If-Match',
  BODY_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'The request body has a content type this route does not take',
  NOT_READY: 'The service is not ready',
  UNAUTHENTICATED: 'This route needs a bearer token',
  INVALID_TOKEN: 'The bearer token is malformed, unknown or revoked',
  FORBIDDEN: 'The token may not do this',
  RATE_LIMITED: 'Too many requests',
  TOKEN_NOT_FOUND: 'No token has this id',
  INVALID_SCOPE: 'The scope does not suit the role',
  IMPORT_UNREADABLE: 'The page holds no tables of a national template',
  IMPORT_BUSY: 'Too many pages are being read at once',
  FINDING_NOT_FOUND: 'The current revision has no such warning',
  INTERNAL: 'The service failed to handle the request'
}

const define = (code: keyof typeof PROBLEM_TITLES, status: number, message: string): FastifyErrorConstructor =>
  createError(code, message, status)

export const ValidationFailed = define('VALIDATION', 400, '%s')
export const MalformedBody = define('MALFORMED_BODY', 400, '%s')
export const UnsupportedMediaType = define('UNSUPPORTED_MEDIA_TYPE', 415, '%s')
export const DivisionNotFound = define('DIVISION_NOT_FOUND', 404, 'No division has the code %s')
export const ReportNotFound = define('REPORT_NOT_FOUND', 404, 'No report is stored for unit %s and year %s')
export const RevisionNotFound = define('REVISION_NOT_FOUND', 404, 'The report has no revision %s')
export const TemplateNotFound = define('TEMPLATE_NOT_FOUND', 404, 'No template has the key %s')
export const NotATownship = define(
  'NOT_A_TOWNSHIP',
  422,
  '%s is a %s, not a township; only townships file annual reports'
)
export const ReportInvalid = define('REPORT_INVALID', 422, '%s; nothing was stored')
export const ReportLocked = define('REPORT_LOCKED', 409, '%s')
export const ReviewNotAllowed = define('REVIEW_NOT_ALLOWED', 409, '%s')
export const Unauthenticated = define('UNAUTHENTICATED', 401, '%s')
export const InvalidToken = define('INVALID_TOKEN', 401, '%s')
export const Forbidden = define('FORBIDDEN', 403, '%s')
export const RateLimited = define('RATE_LIMITED', 429, '%s')
export const TokenNotFound = define('TOKEN_NOT_FOUND', 404, 'No token has the id %s')
export const InvalidScope = define('INVALID_SCOPE', 422, '%s')
export const FindingNotFound = define('FINDING_NOT_FOUND', 404, 'The current revision has no warning %s (revision %s)')
export const ImportUnreadable = define('IMPORT_UNREADABLE', 422, '%s')
export const ImportBusy = define('IMPORT_BUSY', 503, '%s')
export const PreconditionFailed = define('PRECONDITION_FAILED', 412, 'If-Match names %s but the current revision is %s')

/** A 400 naming the offending fields, for checks a schema cannot express (e.g. path vs body). */
export function validationError(issues: FieldIssue[]): Error & { errors: FieldIssue[] } {
  const detail = issues.map((i) => `${i.pointer}: ${i.message}`).join('; ')
  return Object.assign(new ValidationFailed(detail), { errors: issues })
}

/**
 * The writer thread (services/writer.ts) stopped with a submission in its hands: whether it was
 * committed is not known, so it is not answered at all (the client sees its connection close, as
 * when the process dies), and the next submission starts a new writer.
 */
export class WriteOutcomeUnknown extends Error {}

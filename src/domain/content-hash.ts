// The digest of a report's content: what tells an identical re-submission (server side only).
import { createHash } from 'node:crypto'
import { canonicalJson, type Report } from './report.js'

/** A digest of everything a revision stores, used to tell an identical re-submission. */
export function contentHash(report: Report): string {
  return createHash('sha256').update(canonicalJson(report)).digest('base64url')
}

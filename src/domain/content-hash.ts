// The digest of a report's content: what tells an identical re-submission (server side only).
import { createHash } from 'node:crypto'
import { canonicalJson, type Report } from './report.js'

/** A report's canonical JSON and the digest of that text. */
export interface CanonicalContent {
  json: string
  hash: string
}

/**
 * A report's canonical JSON and its digest, used to tell an identical re-submission. The text is
 * what a revision stores as its body, so that a write serializes the report once.
 */
export function canonicalContent(report: Report): CanonicalContent {
  const json = canonicalJson(report)
  return { json, hash: createHash('sha256').update(json).digest('base64url') }
}

/** The digest of everything a revision stores. */
export function contentHash(report: Report): string {
  return canonicalContent(report).hash
}

// Entity tags and conditional requests (RFC 9110 §8.8.3, §13.1.1–2), in one place for every
// route: parsing the If-Match and If-None-Match lists, and the two comparisons.
import { createHash } from 'node:crypto'

interface EntityTag {
  weak: boolean
  /** The opaque tag with its quotes, e.g. `"v1"`. */
  opaque: string
}

/** `*`, or the tags of the list; undefined when the header is absent or not a valid list. */
export function parseEntityTags(header: string | undefined): '*' | EntityTag[] | undefined {
  if (header === undefined) return undefined
  if (header.trim() === '*') return '*'
  const tags: EntityTag[] = []
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc excluding DQUOTE, space and controls.
  const item = /\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/y
  let at = 0
  while (at < header.length) {
    item.lastIndex = at
    const match = item.exec(header)
    if (!match) return undefined
    tags.push({ weak: match[1] !== undefined, opaque: match[2]! })
    at = item.lastIndex
    while (header[at] === ',' || header[at] === ' ') at++ // empty list elements are allowed
  }
  return tags.length > 0 ? tags : undefined
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag)

/**
 * If-None-Match (weak comparison): whether the client's copy is current, so that a GET answers
 * 304. An absent or malformed header never matches.
 */
export function noneMatchHits(header: string | undefined, current: string): boolean {
  const tags = parseEntityTags(header)
  if (tags === undefined) return false
  return tags === '*' || tags.some((t) => t.opaque === opaque(current))
}

/**
 * If-Match (strong comparison): whether a write may go ahead on top of `current` (undefined when
 * nothing exists yet). A weak or malformed tag never matches: the write is refused (412).
 */
export function ifMatchHolds(header: string, current: string | undefined): boolean {
  if (current === undefined) return false
  const tags = parseEntityTags(header)
  if (tags === undefined) return false
  return tags === '*' || tags.some((t) => !t.weak && t.opaque === current)
}

/**
 * A strong tag for exactly these bytes (or facts): equal tags mean equal data, in any process,
 * after any restart or restore, unlike a counter.
 */
export function digestTag(...parts: ReadonlyArray<string | number | null>): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(`${part ?? '\u0000'}\u0001`)
  return hash.digest('base64url').slice(0, 22)
}

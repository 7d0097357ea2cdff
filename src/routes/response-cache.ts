// Serialized responses of read-heavy routes (aggregates), kept until the database changes.
// The version is read from SQLite on every request, so a write by this process or any other
// (a CLI, a second server) is in the very next response: caching never makes an answer stale.
import { LRUCache } from 'lru-cache'

/** A serialized answer and its entity tag. */
export interface CachedAnswer {
  body: string
  etag: string
}

export interface ResponseCache {
  /** The cached answer for `key` if it was made at the current `version`. */
  get(key: string, version: string): CachedAnswer | undefined
  set(key: string, version: string, answer: CachedAnswer): void
}

/**
 * Least recently used first out, bounded by count and by the characters of the bodies kept (a
 * national year's answers run to tens of kilobytes each).
 */
export function createResponseCache({ maxEntries = 2000, maxChars = 64 * 1024 * 1024 } = {}): ResponseCache {
  const entries = new LRUCache<string, { version: string; answer: CachedAnswer }>({
    max: maxEntries,
    maxSize: maxChars,
    sizeCalculation: (entry) => Math.max(1, entry.answer.body.length)
  })
  return {
    get(key, version) {
      const entry = entries.get(key)
      return entry?.version === version ? entry.answer : undefined
    },
    set(key, version, answer) {
      entries.set(key, { version, answer })
    }
  }
}

// Serialized responses of read-heavy routes (aggregates), kept until the database changes.
// The version (rollups.version) is checked on every request: a write by this process is in the
// very next response, one by another process (a CLI, a second server) from the next turn of
// the event loop on.
import { LRUCache } from 'lru-cache'

/** A serialized answer, as the bytes sent (encoded once, not per request), and its entity tag. */
export interface CachedAnswer {
  body: Buffer
  etag: string
}

export interface ResponseCache {
  /** The cached answer for `key` if it was made at the current `version`. */
  get(key: string, version: string): CachedAnswer | undefined
  set(key: string, version: string, answer: CachedAnswer): void
}

/**
 * Least recently used first out, bounded by count and by the bytes of the bodies kept (a
 * national year's answers run to tens of kilobytes each).
 */
export function createResponseCache({ maxEntries = 2000, maxBytes = 64 * 1024 * 1024 } = {}): ResponseCache {
  const entries = new LRUCache<string, { version: string; answer: CachedAnswer }>({
    max: maxEntries,
    maxSize: maxBytes,
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

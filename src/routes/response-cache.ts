// Serialized responses of read-heavy routes (aggregates), kept until the database changes.
// The version is read from SQLite on every request, so a write by this process or any other
// (a CLI, a second server) is in the very next response: caching never makes an answer stale.

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

/** A bounded map, least recently used first out. */
export function createResponseCache(maxEntries = 2000): ResponseCache {
  const entries = new Map<string, { version: string; answer: CachedAnswer }>()
  return {
    get(key, version) {
      const entry = entries.get(key)
      if (!entry || entry.version !== version) return undefined
      entries.delete(key)
      entries.set(key, entry)
      return entry.answer
    },
    set(key, version, answer) {
      entries.delete(key)
      entries.set(key, { version, answer })
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    }
  }
}

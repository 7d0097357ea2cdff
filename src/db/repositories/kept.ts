// What the repositories keep in memory beside the database: bounded maps that drop their
// oldest entry when full. Starting over instead (clearing the map) dropped the entries in use
// with the rest: with 72 reports PUT in turn, a quarter of the writes parsed the previous year's
// body again.

/**
 * Keeps `value` under `key`, first dropping the entry kept longest once `map` holds `most`
 * (a Map iterates in the order entries were set, so that is its first).
 */
export function keep<K, V>(map: Map<K, V>, most: number, key: K, value: V): void {
  map.delete(key) // kept again: now the newest
  if (map.size >= most) map.delete(map.keys().next().value as K)
  map.set(key, value)
}

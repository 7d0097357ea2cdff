// Opaque keyset cursors for paginated lists: the sort key of the last item, base64url JSON.
import { validationError } from '../errors.js'

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The key inside a cursor, checked against the shape the list expects; a 400 naming `cursor` otherwise. */
export function decodeCursor<T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = undefined
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((part, i) => typeof part !== shape[i])) {
    throw validationError([{ in: 'query', pointer: '/cursor', message: 'is not a cursor this list issued' }])
  }
  return key as never
}

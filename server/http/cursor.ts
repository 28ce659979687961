// Opaque list cursors: the sort key of the last item, base64url JSON.
import { badRequest } from '../lib/errors.ts'

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (!cursor) return null
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === arity) return v
  } catch {
    /* fall through */
  }
  throw badRequest('bad_cursor', 'The cursor is not valid: pass the next_cursor of a previous page unchanged.')
}

// Opaque list cursors: the sort key of the last item, base64url JSON, checked against the list's
// shape (http/schemas.ts cursorShapes) when it comes back.
import type { z } from '@hono/zod-openapi'
import { badRequest } from '../lib/errors.ts'

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

export function decodeCursor<T extends z.ZodType<unknown[]>>(cursor: string | undefined, shape: T): z.output<T> | null {
  if (!cursor) return null
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  const parsed = shape.safeParse(value)
  if (parsed.success) return parsed.data
  throw badRequest('bad_cursor', 'The cursor is not valid: pass the next_cursor of a previous page unchanged.')
}

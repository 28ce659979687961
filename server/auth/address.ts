import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'

/** The TCP peer's address (not a header a client could forge). */
export function clientAddress(c: Context<AppEnv>): string {
  const a = c.env?.incoming?.socket?.remoteAddress ?? ''
  return a.startsWith('::ffff:') ? a.slice(7) : a
}

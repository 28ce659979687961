// JSON answers with exact decimals. ClickHouse hands decimals over as text; they are written
// into the JSON as number literals of that same text, never through a JS float.
import type { Context } from 'hono'

const MARK = '\u0000dec:'

export class Decimal {
  constructor(readonly text: string) {}
  toJSON(): string {
    return MARK + this.text
  }
}

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/

/** A decimal for a JSON answer; null stays null. */
export function dec(v: unknown): Decimal | null {
  if (v === null || v === undefined) return null
  const text = String(v)
  return DECIMAL_TEXT.test(text) ? new Decimal(text) : new Decimal(String(Number(text)))
}

export function stringify(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000dec:(-?\d+(?:\.\d+)?)"/g, '$1')
}

export function jsonExact(c: Context, value: unknown, status = 200): Response {
  return jsonText(c, stringify(value), status)
}

/** An answer already written as JSON text or its UTF-8 bytes (read/cache.ts keeps answers so). */
export function jsonText(c: Context, text: string | Uint8Array, status = 200): Response {
  return c.body(text as string, status as 200, { 'Content-Type': 'application/json; charset=utf-8' })
}

// Engine errors of a failed write, made safe to log: ClickHouse quotes the rows it could not
// parse ("Row 1: Column 0, name: key, … parsed text: …"), and logs must never hold row
// contents. Kept: the error's type and code (storage-failure mapping reads them) and the first
// line of its message with every quoted span and row excerpt cut out.

export class RedactedEngineError extends Error {
  readonly code?: unknown
  readonly type?: unknown
  constructor(message: string, code: unknown, type: unknown, cause?: { code?: unknown; message: string }) {
    super(message, cause ? { cause } : undefined)
    this.name = 'EngineError'
    this.code = code
    this.type = type
  }
}

export function redactMessage(message: string): string {
  return message
    .split('\n')[0]
    .replace(/(['"`])(?:(?!\1).)*\1/g, '…')
    .replace(/\s*:?\s*\(at row \d+\).*$/, '')
    .replace(/(parsed text|before|after|value|row)\s*:.*$/i, '$1: …')
    .slice(0, 300)
}

export function redactEngineError(e: unknown): unknown {
  if (e instanceof RedactedEngineError) return e
  // Request errors (AppError) carry their own words, written for the client.
  if (e && typeof e === 'object' && 'status' in e) return e
  const x = (e ?? {}) as { message?: unknown; code?: unknown; type?: unknown; cause?: { code?: unknown; message?: unknown } }
  // A connection failure's cause names it (ECONNREFUSED): the storage-failure mapping reads that.
  const cause = x.cause && typeof x.cause === 'object' ? { code: x.cause.code, message: redactMessage(String(x.cause.message ?? '')) } : undefined
  return new RedactedEngineError(redactMessage(String(x.message ?? e)), x.code, x.type, cause)
}

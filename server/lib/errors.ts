// Errors a person can act on. Anything thrown as an AppError reaches the client as
// {"error": {"code", "message", "details"?}} with its status; anything else becomes a plain 500
// whose body names no SQL and carries no stack (the server log keeps those).
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details)

export const notFound = (message: string) => new AppError(404, 'not_found', message)

/** Storage could not be reached or failed mid-write: the client should retry later. */
export const storageUnavailable = (what: string) =>
  new AppError(503, 'storage_unavailable', `Storage is unavailable (${what}); nothing was written. Retry later.`, undefined, {
    'Retry-After': '5',
  })

/** The engine is gone (closed, unreachable), as opposed to a query that failed. */
const DOWN = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|is closed|CHDB_CONNECTION|Timeout error/i

/**
 * The engine cannot write now: disk full, a read-only data dir, no memory. ClickHouse errors
 * carry their type (@clickhouse/client's ClickHouseError, on both engines); the file system's
 * own errors (errno 28 ENOSPC, 30 EROFS, 122 EDQUOT) can come inside any engine message.
 */
const CANNOT_WRITE_TYPES = new Set([
  'NOT_ENOUGH_SPACE',
  'CANNOT_WRITE_TO_FILE_DESCRIPTOR',
  'CANNOT_WRITE_TO_OSTREAM',
  'CANNOT_FSYNC',
  'CANNOT_CREATE_DIRECTORY',
  'CANNOT_TRUNCATE_FILE',
  'CANNOT_ALLOCATE_MEMORY',
  'MEMORY_LIMIT_EXCEEDED',
  'TABLE_IS_READ_ONLY',
  'READONLY',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
])
const CANNOT_WRITE = /ENOSPC|EROFS|EDQUOT|No space left on device|Read-only file system|Disk quota exceeded|not enough space|errno: (28|30|122)\b/i

/**
 * The one mapping of storage failures to answers: 503 with Retry-After, worded for the client
 * (the engine's message can name tables, paths and SQL: it stays in the server log). Null for
 * anything else.
 */
export function storageError(err: unknown): AppError | null {
  const e = err as { code?: unknown; type?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null
  if (!e || typeof e !== 'object') return null
  const text = `${String(e.code ?? '')} ${String(e.cause?.code ?? '')} ${String(e.message ?? '')} ${String(e.cause?.message ?? '')}`
  if ((typeof e.type === 'string' && CANNOT_WRITE_TYPES.has(e.type)) || CANNOT_WRITE.test(text))
    return new AppError(503, 'storage_unavailable', 'Storage cannot take writes now (disk full or read-only); nothing was written. Retry later.', undefined, { 'Retry-After': '30' })
  if (DOWN.test(text)) return new AppError(503, 'storage_unavailable', 'Storage is unavailable; retry in a few seconds.', undefined, { 'Retry-After': '5' })
  return null
}

/** A fatal startup problem: printed as one sentence, no stack. */
export class StartupError extends Error {}

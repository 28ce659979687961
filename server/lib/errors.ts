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

/** A fatal startup problem: printed as one sentence, no stack. */
export class StartupError extends Error {}

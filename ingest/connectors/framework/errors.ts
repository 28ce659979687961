// Errors a runner tells apart: BudgetExhausted ends a run as ok-but-partial (the saved states
// resume it next time); the others fail the run with a message a person can act on.

/** The source asked us to stop for now (daily API budget near its reserve, or a very long Retry-After). */
export class BudgetExhausted extends Error {
  readonly outcome = 'partial' as const
  constructor(
    message: string,
    readonly resumeAfter?: Date,
  ) {
    super(message)
    this.name = 'BudgetExhausted'
  }
}

/** The system rejected our credentials even after a fresh token. */
export class ConnectorAuthError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'ConnectorAuthError'
  }
}

/** A non-retryable HTTP answer (or a retryable one that kept failing). */
export class ConnectorHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly body?: string,
  ) {
    super(message)
    this.name = 'ConnectorHttpError'
  }
}

/** Network error, timeout or 5xx: worth another attempt after a backoff. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'RetryableError'
  }
}

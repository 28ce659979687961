// One HTTP client per source, shared by all its entities, so the source's limits hold for the
// tenant as a whole: a concurrency cap (p-queue), a token bucket, a pause on 429/503 that holds
// back every request, retries of 5xx / network errors / timeouts with backoff (p-retry, waiting
// on the injected clock), one token refresh after a 401, and a daily-budget stop (Salesforce).
import PQueue from 'p-queue'
import pRetry from 'p-retry'
import type { Clock } from '../../../server/lib/clock.ts'
import type { Authenticator } from './auth.ts'
import { BudgetExhausted, ConnectorAuthError, ConnectorHttpError, RetryableError } from './errors.ts'
import { SourcePause, TokenBucket, parseRetryAfter } from './limits.ts'
import type { ConnectorConfig, ConnectorDeps, SourceLimits } from './types.ts'

export const DEFAULT_LIMITS: SourceLimits = {
  requests: 0,
  per_ms: 1000,
  concurrency: 4,
  timeout_ms: 120_000,
  stream_timeout_ms: 30 * 60_000,
  retries: 5,
  backoff_min_ms: 1000,
  backoff_max_ms: 60_000,
  rate_limit_retries: 10,
  max_pause_ms: 15 * 60_000,
  budget_reserve: 0.1,
}

export interface HttpRequest {
  method?: string
  /** Absolute, or a path resolved against the source's base_url. */
  url: string
  query?: Record<string, string | number | undefined>
  headers?: Record<string, string>
  json?: unknown
}

export interface HttpResult<T> {
  status: number
  url: string
  headers: Headers
  body: T
}

export interface HttpHooks {
  headers?: Record<string, string>
  /** Sees every response first (e.g. Salesforce Sforce-Limit-Info → noteUsage). */
  observe?(res: Response, http: SourceHttp): void
  /** Turns a non-2xx answer into a type-specific error (e.g. Salesforce REQUEST_LIMIT_EXCEEDED). */
  classify?(status: number, body: string): Error | undefined
}

type Outcome = { kind: 'ok'; res: Response; text?: string; release?: () => void } | { kind: 'unauthorized'; status: number; text: string } | { kind: 'slow_down'; waitMs?: number; status: number }

export class SourceHttp {
  readonly limits: SourceLimits
  readonly pause: SourcePause
  readonly stats = { requests: 0, retries: 0, pauses: 0, refreshes: 0 }
  private readonly queue: PQueue
  private readonly bucket?: TokenBucket
  private readonly clock: Clock
  private readonly doFetch: typeof fetch
  private usage?: { used: number; max: number }

  constructor(
    readonly config: ConnectorConfig,
    private readonly auth: Authenticator,
    private readonly deps: ConnectorDeps,
    limits: Partial<SourceLimits> = {},
    private readonly hooks: HttpHooks = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits, ...config.limits }
    this.clock = deps.clock
    this.doFetch = deps.fetch ?? fetch
    this.pause = new SourcePause(this.clock)
    this.queue = new PQueue({ concurrency: this.limits.concurrency })
    if (this.limits.requests > 0) this.bucket = new TokenBucket(this.limits.requests, this.limits.per_ms, this.clock)
  }

  get clockNow(): Date {
    return this.clock.now()
  }

  get clockRef(): Clock {
    return this.clock
  }

  resolve(url: string, query?: HttpRequest['query']): string {
    const u = new URL(url, this.config.base_url)
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v))
    return u.toString()
  }

  /** Daily API usage as the system reports it; below the reserve the next request stops the run. */
  noteUsage(used: number, max: number): void {
    this.usage = { used, max }
  }

  get budgetLeft(): number | undefined {
    return this.usage && this.usage.max - this.usage.used
  }

  async json<T>(req: HttpRequest): Promise<HttpResult<T>> {
    const r = await this.text(req)
    try {
      return { ...r, body: JSON.parse(r.body) as T }
    } catch {
      throw new ConnectorHttpError(`${this.config.type} answered ${r.url} with something that is not JSON: ${r.body.slice(0, 120)}`, r.status, r.url, r.body)
    }
  }

  async text(req: HttpRequest): Promise<HttpResult<string>> {
    const { res, text, url } = await this.send(req, false)
    return { status: res.status, url, headers: res.headers, body: text ?? '' }
  }

  /** A response whose body the caller streams; the concurrency slot is held until release(). */
  async stream(req: HttpRequest): Promise<{ res: Response; url: string; release: () => void }> {
    const { res, url, release } = await this.send(req, true)
    return { res, url, release: release ?? (() => {}) }
  }

  private backoff(attempt: number): number {
    return Math.min(this.limits.backoff_max_ms, this.limits.backoff_min_ms * 2 ** (attempt - 1))
  }

  private async send(req: HttpRequest, stream: boolean): Promise<{ res: Response; text?: string; url: string; release?: () => void }> {
    const url = this.resolve(req.url, req.query)
    return pRetry(
      async () => {
        let refreshed = false
        for (let slowDowns = 0; ; ) {
          this.checkBudget()
          const out = await this.attempt(req, url, stream)
          if (out.kind === 'ok') return { res: out.res, text: out.text, url, release: out.release }
          if (out.kind === 'unauthorized') {
            if (refreshed) {
              throw new ConnectorAuthError(`${this.config.type} rejected the credentials twice (HTTP ${out.status}, even after a fresh token) for ${url}: ${out.text.slice(0, 200)}`, out.status)
            }
            refreshed = true
            this.stats.refreshes++
            this.auth.invalidate()
            continue
          }
          if (++slowDowns > this.limits.rate_limit_retries) {
            throw new ConnectorHttpError(`${this.config.type} kept answering ${out.status} (slow down) after ${this.limits.rate_limit_retries} pauses: ${url}`, out.status, url)
          }
          const wait = out.waitMs ?? this.backoff(slowDowns)
          if (wait > this.limits.max_pause_ms) {
            const resumeAfter = new Date(this.clock.now().getTime() + wait)
            throw new BudgetExhausted(`${this.config.type} asked to wait ${Math.round(wait / 1000)} s (Retry-After), longer than max_pause_ms; the run stops here and resumes next time.`, resumeAfter)
          }
          this.stats.pauses++
          this.pause.pauseFor(wait)
        }
      },
      {
        retries: this.limits.retries,
        // p-retry's own timer is zeroed: the backoff waits on the injected clock in onFailedAttempt.
        minTimeout: 0,
        maxTimeout: 0,
        shouldRetry: (e) => e instanceof RetryableError && !this.deps.signal?.aborted,
        onFailedAttempt: async (e) => {
          if (!(e instanceof RetryableError) || e.retriesLeft === 0) return
          this.stats.retries++
          await this.clock.sleep(this.backoff(e.attemptNumber))
        },
      },
    ).catch((e: unknown) => {
      if (e instanceof RetryableError) {
        throw new ConnectorHttpError(`${this.config.type} kept failing after ${this.limits.retries} retries: ${e.message} (${url})`, e.status ?? 0, url)
      }
      throw e
    })
  }

  private checkBudget(): void {
    const left = this.budgetLeft
    if (left === undefined || !this.usage) return
    const reserve = this.limits.budget_reserve < 1 ? this.limits.budget_reserve * this.usage.max : this.limits.budget_reserve
    if (left <= reserve) {
      throw new BudgetExhausted(`${this.config.type} daily API budget is down to ${left} of ${this.usage.max} calls (reserve ${Math.round(reserve)}); the run stops here and resumes next time.`)
    }
  }

  /** A concurrency slot; the returned function gives it back. */
  private slot(): Promise<() => void> {
    return new Promise((acquired) => {
      void this.queue.add(() => new Promise<void>((release) => acquired(release)))
    })
  }

  private async attempt(req: HttpRequest, url: string, stream: boolean): Promise<Outcome> {
    let release: (() => void) | undefined = await this.slot()
    try {
      await this.pause.wait()
      await this.bucket?.take()
      await this.pause.wait() // a pause may have started while this request waited for a token
      const method = req.method ?? (req.json !== undefined ? 'POST' : 'GET')
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...this.hooks.headers,
        ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...req.headers,
        ...(await this.auth.headers({ method, url })),
      }
      const ms = stream ? this.limits.stream_timeout_ms : this.limits.timeout_ms
      const timeout = (this.deps.timeoutSignal ?? AbortSignal.timeout)(ms)
      const signal = this.deps.signal ? AbortSignal.any([timeout, this.deps.signal]) : timeout
      this.stats.requests++
      let res: Response
      try {
        res = await this.doFetch(url, { method, headers, body: req.json !== undefined ? JSON.stringify(req.json) : undefined, signal })
      } catch (e) {
        throw this.failure(e, timeout, ms, url)
      }
      this.hooks.observe?.(res, this)
      if (res.ok) {
        if (stream) {
          const r = release
          release = undefined
          return { kind: 'ok', res, release: r }
        }
        try {
          return { kind: 'ok', res, text: await res.text() }
        } catch (e) {
          throw this.failure(e, timeout, ms, url)
        }
      }
      const text = await res.text().catch(() => '')
      const typed = this.hooks.classify?.(res.status, text)
      if (typed) throw typed
      if (res.status === 401) return { kind: 'unauthorized', status: 401, text }
      const waitMs = parseRetryAfter(res.headers.get('retry-after'), this.clock.now())
      if (res.status === 429 || (res.status === 503 && waitMs !== undefined)) return { kind: 'slow_down', waitMs, status: res.status }
      if (res.status >= 500) throw new RetryableError(`HTTP ${res.status} ${text.slice(0, 200)}`, res.status)
      throw new ConnectorHttpError(`${this.config.type} answered HTTP ${res.status} for ${url}: ${text.slice(0, 300)}`, res.status, url, text)
    } finally {
      release?.()
    }
  }

  private failure(e: unknown, timeout: AbortSignal, ms: number, url: string): Error {
    if (this.deps.signal?.aborted) return this.deps.signal.reason instanceof Error ? this.deps.signal.reason : new Error('The pull was cancelled.')
    if (timeout.aborted) return new RetryableError(`no answer within ${ms} ms from ${url}`)
    return new RetryableError(`network error: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`)
  }
}

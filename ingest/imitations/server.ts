// The plumbing every imitation shares: a node:http server on 127.0.0.1, request counting, the
// injectable faults, and bearer tokens that expire on an injected Clock (never the wall clock),
// so a test can say "the token dies after request 3" or "at 10:05" and get exactly that.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { stringify } from 'lossless-json'
import { systemClock, type Clock } from '../../server/lib/clock.ts'

export interface ImitationRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  /** The server's own origin, for absolute next-page links. */
  origin: string
  /** Other requests being served right now (hung ones included): for concurrency limits. */
  inFlight: number
}

export interface ImitationResponse {
  status: number
  headers?: Record<string, string>
  /** An object is written as JSON (lossless-json, so money kept as LosslessNumber stays exact). */
  body?: unknown
}

export type Handler = (req: ImitationRequest) => ImitationResponse | Promise<ImitationResponse>

/** Which request a fault fires on: the Nth (1-based) request whose path contains `path` (any path when absent). */
export interface FaultWhen {
  request: number
  path?: string
}

export type Fault = FaultWhen &
  (
    | { type: 'rate_limit'; retryAfter?: number }
    | { type: 'status'; status?: number }
    | { type: 'hang' }
    /** Every token issued so far dies; this request already sees it (401). */
    | { type: 'expire_token' }
    /** Runs before this request is answered: e.g. a record changed between two pages. */
    | { type: 'mutate'; apply: () => void }
  )

export interface ImitationStats {
  requests: number
  /** Requests per path (without the query string). */
  byPath: Record<string, number>
  authFailures: number
  /** `<type>@<request>` of each fault that fired, in order. */
  faultsFired: string[]
}

export interface Imitation {
  url: string
  stats: ImitationStats
  close(): Promise<void>
}

export interface CommonOptions {
  clock?: Clock
  faults?: Fault[]
  port?: number
  /** The data never changes once served (benches): sorted listings and id indexes are kept, and
   *  each distinct successful answer is serialised once and replayed as bytes. Faults still fire;
   *  credentials are still checked on every request. */
  frozen?: boolean
}

/** What a frozen imitation keeps between requests (see CommonOptions.frozen). */
export class Frozen {
  private readonly kept = new Map<string, unknown>()
  private readonly answers = new Map<string, ImitationResponse>()

  /** A value computed once per key (a sorted listing, an index). */
  once<T>(key: string, make: () => T): T {
    if (!this.kept.has(key)) this.kept.set(key, make())
    return this.kept.get(key) as T
  }

  /** The answer to a request already answered (200s only), its body already bytes. */
  answer(key: string, make: () => ImitationResponse): ImitationResponse {
    const hit = this.answers.get(key)
    if (hit) return hit
    const r = make()
    if (r.status !== 200 || r.body === undefined) return r
    const bytes: ImitationResponse = {
      status: r.status,
      headers: { ...(typeof r.body === 'string' || Buffer.isBuffer(r.body) ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), ...r.headers },
      body: Buffer.isBuffer(r.body) ? r.body : Buffer.from(typeof r.body === 'string' ? r.body : (stringify(r.body) ?? '')),
    }
    this.answers.set(key, bytes)
    return bytes
  }
}

/** The frozen store of an imitation, or undefined when its data may change. */
export const frozenOf = (opts: CommonOptions): Frozen | undefined => (opts.frozen ? new Frozen() : undefined)

export interface VendorHooks {
  /** The vendor's 429 answer (body and headers); Retry-After is added by the caller. */
  rateLimited(retryAfter: number): ImitationResponse
  /** The vendor's 5xx answer. */
  serverError(status: number): ImitationResponse
  /** Revoke every token the vendor has issued (the expire_token fault). */
  expireTokens(): void
  /** Whether the response counts as an auth failure in stats (401 by default). */
  isAuthFailure?(res: ImitationResponse): boolean
}

export async function startServer(handler: Handler, hooks: VendorHooks, opts: CommonOptions): Promise<Imitation> {
  const stats: ImitationStats = { requests: 0, byPath: {}, authFailures: 0, faultsFired: [] }
  const faults = opts.faults ?? []
  const seen = new Map<Fault, number>()
  let origin = ''
  let open = 0

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    open++
    res.on('close', () => open--)
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin)
      stats.requests++
      stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1
      const request: ImitationRequest = {
        method: req.method ?? 'GET', path: url.pathname, query: url.searchParams,
        headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), origin, inFlight: open - 1,
      }
      let hang = false
      let early: ImitationResponse | undefined
      for (const f of faults) {
        if (f.path && !url.pathname.includes(f.path)) continue
        const n = (seen.get(f) ?? 0) + 1
        seen.set(f, n)
        if (n !== f.request) continue
        stats.faultsFired.push(`${f.type}@${stats.requests}`)
        if (f.type === 'hang') hang = true
        else if (f.type === 'expire_token') hooks.expireTokens()
        else if (f.type === 'mutate') f.apply()
        else if (f.type === 'rate_limit') {
          const r = hooks.rateLimited(f.retryAfter ?? 1)
          early ??= { ...r, headers: { ...r.headers, 'Retry-After': String(f.retryAfter ?? 1) } }
        } else early ??= hooks.serverError(f.status ?? 503)
      }
      if (hang) return // never answered; close() destroys the socket
      Promise.resolve(early ?? handler(request))
        .then((r) => {
          if (hooks.isAuthFailure ? hooks.isAuthFailure(r) : r.status === 401) stats.authFailures++
          write(res, r)
        })
        .catch((err: unknown) => write(res, { status: 500, body: { error: String(err) } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function write(res: ServerResponse, r: ImitationResponse): void {
  const headers = { ...r.headers }
  let body: string | Buffer = ''
  if (typeof r.body === 'string' || Buffer.isBuffer(r.body)) body = r.body
  else if (r.body !== undefined) {
    body = stringify(r.body) ?? ''
    headers['Content-Type'] ??= 'application/json; charset=utf-8'
  }
  res.writeHead(r.status, headers)
  res.end(body)
}

/** Bearer tokens with a lifetime on the injected clock; `expireAll` is the mid-run expiry fault. */
export class TokenStore {
  private readonly tokens = new Map<string, number>()
  private issued = 0
  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly prefix: string,
  ) {}

  issue(): { token: string; expiresIn: number } {
    const token = `${this.prefix}${++this.issued}`
    this.tokens.set(token, this.clock.now().getTime() + this.ttlSeconds * 1000)
    return { token, expiresIn: this.ttlSeconds }
  }

  /** Adds a long-lived token given in the options (personal access tokens, Kantata bearer). */
  add(token: string): void {
    this.tokens.set(token, Number.POSITIVE_INFINITY)
  }

  valid(token: string | undefined): boolean {
    if (!token) return false
    const until = this.tokens.get(token)
    return until !== undefined && this.clock.now().getTime() < until
  }

  expireAll(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, Number.NEGATIVE_INFINITY)
  }
}

export function bearer(req: ImitationRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))
  return m?.[1]
}

export function readForm(body: string): URLSearchParams {
  return new URLSearchParams(body)
}

/** A sliding window of request times on the clock (Harvest 100/15 s, Dataverse 6,000/5 min). */
export class Window {
  private times: number[] = []
  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records a request; answers the seconds to wait when it is over the limit, else 0. */
  hit(): number {
    const now = this.clock.now().getTime()
    this.times = this.times.filter((t) => t > now - this.windowMs)
    if (this.times.length >= this.limit) return Math.max(1, Math.ceil((this.times[0] + this.windowMs - now) / 1000))
    this.times.push(now)
    return 0
  }
}

export const defaultClock = systemClock

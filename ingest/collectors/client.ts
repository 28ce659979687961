// HTTP client for the ingest API, shared by `crosswalk ingest` and `crosswalk demo`.
// Retries what may succeed later (network errors, 408, 429, 5xx) with backoff, honouring
// Retry-After; batch ids make every retry safe (a batch that did land answers duplicate).
import { gzipSync } from 'node:zlib'
import pRetry, { AbortError } from 'p-retry'
import { systemClock } from '../../server/lib/clock.ts'

export interface SendOptions {
  server: string
  token: string
  system: string
  entity: string
  mode?: 'delta' | 'full'
  batch: string
  observedAt?: string
  snapshot?: string
  part?: number
  last?: boolean
  body: string | Buffer
  /** gzip the body; by default only when the server is not on this machine (loopback). */
  compress?: boolean
  contentType?: string
  /** Attempts after the first (default 6). */
  retries?: number
  onRetry?: (attempt: number, why: string) => void
  /** How to wait between attempts: the real clock by default; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>
}

export interface SendResult {
  batch: string
  accepted: number
  rejected: number
  duplicate: boolean
  deleted?: number
  errors: Array<{ line: number; field: string; message: string }>
}

export class IngestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

export function ingestUrl(o: Pick<SendOptions, 'server' | 'system' | 'entity' | 'mode' | 'batch' | 'observedAt' | 'snapshot' | 'part' | 'last'>): string {
  const u = new URL(`/api/v1/ingest/${encodeURIComponent(o.system)}/${encodeURIComponent(o.entity)}`, o.server)
  u.searchParams.set('mode', o.mode ?? 'delta')
  u.searchParams.set('batch', o.batch)
  if (o.observedAt) u.searchParams.set('observed_at', o.observedAt)
  if (o.snapshot) u.searchParams.set('snapshot', o.snapshot)
  if (o.part !== undefined) u.searchParams.set('part', String(o.part))
  if (o.last) u.searchParams.set('last', 'true')
  return u.toString()
}

export async function sendBatch(o: SendOptions): Promise<SendResult> {
  const compress = o.compress ?? !isLoopback(o.server)
  const body = compress ? gzipSync(o.body, { level: 1 }) : o.body
  const retries = o.retries ?? 6
  const sleep = o.sleep ?? systemClock.sleep
  const post = async (): Promise<SendResult> => {
    let res: Response
    let text: string
    try {
      res = await fetch(ingestUrl(o), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${o.token}`,
          'content-type': o.contentType ?? 'application/x-ndjson',
          ...(compress ? { 'content-encoding': 'gzip' } : {}),
        },
        body: body as BodyInit,
      })
      text = await res.text()
    } catch (e) {
      throw new Retryable(`cannot reach ${o.server}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`)
    }
    if (res.ok) return JSON.parse(text) as SendResult
    const message = errorMessage(text) ?? `HTTP ${res.status}`
    // A request the server refused for what it is (not for when it came) fails the same again.
    if (res.status < 500 && !RETRY_4XX.has(res.status)) throw new AbortError(new IngestError(message, res.status))
    const after = Number(res.headers.get('retry-after'))
    throw new Retryable(message, after > 0 ? after * 1000 : undefined)
  }
  return pRetry(post, {
    retries,
    // p-retry only counts attempts; the waits are done below through `sleep`, so tests can skip them.
    minTimeout: 0,
    maxTimeout: 0,
    onFailedAttempt: async (e) => {
      if (e.retriesLeft === 0) throw new IngestError(e.message)
      o.onRetry?.(e.attemptNumber, e.message)
      const { retryAfterMs } = e as Partial<Retryable>
      await sleep(retryAfterMs ?? Math.min(250 * 2 ** (e.attemptNumber - 1), 10_000))
    },
  })
}

/** 408 and 429 say "not now": worth sending again, like a 5xx or a network error. */
const RETRY_4XX = new Set([408, 429])

/** A failure that may pass on a later attempt, with the server's Retry-After when it sent one. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** Compressing for a server on this machine only burns CPU both sides would rather spend parsing. */
export function isLoopback(server: string): boolean {
  const host = new URL(server).hostname
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function errorMessage(text: string): string | null {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? null
  } catch {
    return null
  }
}

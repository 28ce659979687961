// HTTP client for the ingest API, shared by `crosswalk ingest` and `crosswalk demo`.
// Retries what may succeed later (network errors, 429, 5xx) with backoff, honouring
// Retry-After; batch ids make every retry safe (a batch that did land answers duplicate).
import { gzipSync } from 'node:zlib'

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
  retries?: number
  onRetry?: (attempt: number, why: string) => void
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

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
  for (let attempt = 0; ; attempt++) {
    let why: string
    try {
      const res = await fetch(ingestUrl(o), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${o.token}`,
          'content-type': o.contentType ?? 'application/x-ndjson',
          ...(compress ? { 'content-encoding': 'gzip' } : {}),
        },
        body: body as BodyInit,
      })
      const text = await res.text()
      if (res.ok) return JSON.parse(text) as SendResult
      const message = errorMessage(text) ?? `HTTP ${res.status}`
      if (res.status !== 429 && res.status < 500) throw new IngestError(message, res.status)
      why = message
      const after = Number(res.headers.get('retry-after'))
      if (attempt < retries && after > 0) {
        o.onRetry?.(attempt + 1, why)
        await sleep(after * 1000)
        continue
      }
    } catch (e) {
      if (e instanceof IngestError) throw e
      why = `cannot reach ${o.server}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`
    }
    if (attempt >= retries) throw new IngestError(why)
    o.onRetry?.(attempt + 1, why)
    await sleep(Math.min(250 * 2 ** attempt, 10_000))
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

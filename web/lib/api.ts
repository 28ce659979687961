// The HTTP layer of the dashboard: same-origin fetch with the session cookie (and its CSRF
// header on writes) or a bearer token, errors in the API's one shape turned into ApiError with
// the server's message, a short-lived GET cache, and a small priority queue so the numbers a
// person reads first are asked for first.
//
// Why not hc<AppType>: the exception and KPI routes answer through jsonExact (exact decimals)
// and read their query without a validator, so hc types their answers as unknown and rejects
// `query`/`json` on routes with path parameters. The answer types live in api-types.ts.
import type { ApiErrorBody } from './api-types.ts'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's `details` as the server sent them (e.g. `{field}` on a bad value). */
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>

/**
 * "/api/v1/x" + query; empty values are left out, lists joined by commas, keys sorted so one
 * question is always one URL (the GET cache is keyed by it). Pure.
 */
export function buildUrl(path: string, query?: Query): string {
  const s = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue
    s.set(k, Array.isArray(v) ? v.join(',') : String(v))
  }
  const q = s.toString()
  return q ? `${path}?${q}` : path
}

const TOKEN_KEY = 'cw.token'
const CSRF_KEY = 'cw.csrf'
const store = typeof sessionStorage === 'undefined' ? null : sessionStorage

export const credentials = {
  token: store?.getItem(TOKEN_KEY) ?? null,
  csrf: store?.getItem(CSRF_KEY) ?? null,
  set(c: { token?: string | null; csrf?: string | null }) {
    if (c.token !== undefined) {
      this.token = c.token
      c.token ? store?.setItem(TOKEN_KEY, c.token) : store?.removeItem(TOKEN_KEY)
    }
    if (c.csrf !== undefined) {
      this.csrf = c.csrf
      c.csrf ? store?.setItem(CSRF_KEY, c.csrf) : store?.removeItem(CSRF_KEY)
    }
  },
}

/** Called when the server says the session is gone (401), so the app can ask to sign in. */
let onUnauthorized: (() => void) | null = null
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f
}

// At most SLOTS requests in flight, served by priority: what a person reads first (tile values)
// before charts, and charts before sparklines and previous periods. The server's engine runs
// queries a few at a time anyway; more in flight only makes the first answers later.
export type Priority = -1 | 0 | 1 | 2
/** Skips the queue: the session check, which everything on screen waits for. */
export const URGENT: Priority = -1
export const HIGH: Priority = 0
export const NORMAL: Priority = 1
export const LOW: Priority = 2
const SLOTS = 3
let busy = 0
const waiting: Array<{ prio: Priority; go: () => void }> = []
function acquire(prio: Priority): Promise<void> {
  if (busy < SLOTS && !waiting.some((w) => w.prio <= prio)) {
    busy++
    return Promise.resolve()
  }
  return new Promise((go) => {
    // Stable: after every waiting request of the same or higher priority.
    const at = waiting.findIndex((w) => w.prio > prio)
    const entry = { prio, go: () => (busy++, go()) }
    at < 0 ? waiting.push(entry) : waiting.splice(at, 0, entry)
  })
}
function release() {
  busy--
  waiting.shift()?.go()
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  signal?: AbortSignal
  priority?: Priority
  /** Answer null instead of throwing on 404 (endpoints not built yet). */
  optional?: boolean
  /** Extra request headers (e.g. If-Match). */
  headers?: Record<string, string>
}

export async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...o.headers }
  if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`
  if (method !== 'GET' && credentials.csrf) headers['X-CSRF-Token'] = credentials.csrf
  if (o.body !== undefined) headers['Content-Type'] = 'application/json'
  const queued = o.priority !== URGENT
  if (queued) await acquire(o.priority ?? NORMAL)
  let res: Response
  try {
    res = await fetch(buildUrl(path, o.query), {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      credentials: 'same-origin',
      signal: o.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, 'network', 'Cannot reach the Crosswalk server. Check your connection; the page retries on its own.')
  } finally {
    if (queued) release()
  }
  if (res.ok) return (res.status === 204 ? null : await res.json()) as T
  if (res.status === 404 && o.optional) return null as T
  let body: ApiErrorBody | null = null
  try {
    body = (await res.json()) as ApiErrorBody
  } catch {
    // not JSON: a proxy or a crash page
  }
  if (res.status === 401 && !path.includes('/auth/')) onUnauthorized?.()
  const message =
    body?.error?.message ??
    (res.status === 403 ? 'Your role does not allow this.' : `The server answered ${res.status} ${res.statusText}.`)
  throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, message, body?.error?.details)
}

const cache = new Map<string, { at: number; value: Promise<unknown> }>()

/** GET with a short cache, so moving between pages does not refetch what was just read. */
export function get<T>(path: string, query?: Query, o: { ttlMs?: number; priority?: Priority; optional?: boolean; fresh?: boolean } = {}): Promise<T> {
  const url = buildUrl(path, query)
  const ttl = o.ttlMs ?? 30_000
  const hit = cache.get(url)
  if (!o.fresh && hit && Date.now() - hit.at < ttl) return hit.value as Promise<T>
  const value = request<T>('GET', path, { query, priority: o.priority, optional: o.optional })
  cache.set(url, { at: Date.now(), value })
  value.catch(() => cache.delete(url))
  return value
}

/** Writes change what lists and summaries show: drop the cache. */
export function invalidate(prefix = '') {
  for (const k of cache.keys()) if (k.startsWith(prefix)) cache.delete(k)
}

export async function post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
  try {
    return await request<T>('POST', path, { body: body ?? {}, query })
  } finally {
    invalidate()
  }
}

/** Downloads a file (exports) with the same credentials; the browser saves it. */
export async function download(path: string, query: Query, fallbackName: string): Promise<string> {
  const headers: Record<string, string> = {}
  if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`
  const res = await fetch(buildUrl(path, query), { headers, credentials: 'same-origin' })
  if (!res.ok) {
    if (res.status === 404) throw new ApiError(404, 'not_found', 'This export is not available on the server yet.')
    let msg = `The export failed: ${res.status} ${res.statusText}.`
    try {
      msg = ((await res.json()) as ApiErrorBody).error.message
    } catch {
      // keep the status text
    }
    throw new ApiError(res.status, 'export_failed', msg)
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

// The HTTP layer of the dashboard: Hono's typed client (hc<AppType>) over one fetch of our own,
// which sends the session cookie (and its CSRF header on writes) or a bearer token, turns errors
// in the API's one shape into ApiError with the server's message, keeps a short-lived GET cache,
// and queues requests by priority so the numbers a person reads first are asked for first.
// Request and answer types come from the server's route schemas; none are written here.
import { hc, type ClientRequestOptions, type ClientResponse, type PickResponseByStatusCode } from 'hono/client'
import type { AppType } from '../../server/app.ts'

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
 * A query string: empty values left out, lists joined by commas, keys sorted so one question is
 * always one URL (the GET cache is keyed by it). Pure.
 */
export function searchParams(query?: Query): URLSearchParams {
  const s = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue
    s.set(k, Array.isArray(v) ? v.join(',') : String(v))
  }
  return s
}

/** "/api/v1/x" + query, as the client asks for it. Pure. */
export function buildUrl(path: string, query?: Query): string {
  const q = searchParams(query).toString()
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

export interface CallOptions {
  priority?: Priority
  /** GET: how long an answer is reused (default 30 s). */
  ttlMs?: number
  /** GET: ask again even if a cached answer is young enough. */
  fresh?: boolean
  /** Answer null instead of throwing on 404 (a server without that area). */
  optional?: boolean
  /** A POST that only reads (a preview): the GET cache stays. */
  read?: boolean
  /** Extra request headers (e.g. If-Match). */
  headers?: Record<string, string>
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown }
}

async function errorOf(res: Response, url: string): Promise<ApiError> {
  let body: ErrorBody | null = null
  try {
    body = (await res.json()) as ErrorBody
  } catch {
    // not JSON: a proxy or a crash page
  }
  if (res.status === 401 && !url.includes('/auth/')) onUnauthorized?.()
  const message =
    body?.error?.message ?? (res.status === 403 ? 'Your role does not allow this.' : `The server answered ${res.status} ${res.statusText}.`)
  return new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, message, body?.error?.details)
}

function withCredentials(init: RequestInit | undefined, method: string, extra?: Record<string, string>): Headers {
  const headers = new Headers(init?.headers)
  headers.set('Accept', 'application/json')
  for (const [k, v] of Object.entries(extra ?? {})) headers.set(k, v)
  if (credentials.token) headers.set('Authorization', `Bearer ${credentials.token}`)
  if (method !== 'GET' && credentials.csrf) headers.set('X-CSRF-Token', credentials.csrf)
  return headers
}

/** One request through the queue; a non-2xx answer is thrown as ApiError. */
async function send(url: string, init: RequestInit | undefined, o: CallOptions): Promise<Response> {
  const method = init?.method ?? 'GET'
  const queued = o.priority !== URGENT
  if (queued) await acquire(o.priority ?? NORMAL)
  let res: Response
  try {
    res = await fetch(url, { ...init, method, headers: withCredentials(init, method, o.headers), credentials: 'same-origin' })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, 'network', 'Cannot reach the Crosswalk server. Check your connection; the page retries on its own.')
  } finally {
    if (queued) release()
  }
  if (res.ok) return res
  // The caller reads null: a JSON null keeps the typed client's json() working.
  if (res.status === 404 && o.optional) return new Response('null', { status: 200, headers: { 'Content-Type': 'application/json' } })
  throw await errorOf(res, url)
}

// Cached answers are kept unread and each reader gets a copy, so one request serves them all.
const cache = new Map<string, { at: number; value: Promise<Response> }>()

function cachedGet(url: string, init: RequestInit | undefined, o: CallOptions): Promise<Response> {
  const ttl = o.ttlMs ?? 30_000
  const hit = cache.get(url)
  if (!o.fresh && hit && Date.now() - hit.at < ttl) return hit.value.then((r) => r.clone())
  const value = send(url, init, o)
  cache.set(url, { at: Date.now(), value })
  value.catch(() => cache.delete(url))
  return value.then((r) => r.clone())
}

/** Writes change what lists and summaries show: drop the cache. */
export function invalidate(prefix = '') {
  for (const k of cache.keys()) if (k.startsWith(prefix)) cache.delete(k)
}

/** The typed client's per-call options: our fetch, with these settings. */
export function via(o: CallOptions = {}): ClientRequestOptions {
  return {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input)
      if ((init?.method ?? 'GET') === 'GET') return cachedGet(url, init, o)
      try {
        return await send(url, init, o)
      } finally {
        if (!o.read) invalidate()
      }
    },
  }
}

// Errors never reach a caller as an answer (send throws them), so the client is typed with the
// success answers only.
export const client = hc<PickResponseByStatusCode<AppType, 200 | 201 | 202>>('/', {
  buildSearchParams: (q) => searchParams(q as Query),
  fetch: via().fetch,
})

/** The answer of a typed call, parsed. */
export async function answer<T>(res: Promise<ClientResponse<T, number, 'json'>>): Promise<T> {
  return (await (await res).json()) as T
}

/** The same for a call made with `optional`: null where the server has no such thing (404). */
export const answerOrNull = <T>(res: Promise<ClientResponse<T, number, 'json'>>): Promise<T | null> => answer(res)

/** Downloads a file (exports) with the same credentials; the browser saves it. */
export async function download(url: string, fallbackName: string): Promise<string> {
  const headers: Record<string, string> = {}
  if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`
  const res = await fetch(url, { headers, credentials: 'same-origin' })
  if (!res.ok) {
    if (res.status === 404) throw new ApiError(404, 'not_found', 'This export is not available on the server yet.')
    let msg = `The export failed: ${res.status} ${res.statusText}.`
    try {
      msg = ((await res.json()) as ErrorBody).error?.message ?? msg
    } catch {
      // keep the status text
    }
    throw new ApiError(res.status, 'export_failed', msg)
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
  const href = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = href
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
  return name
}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

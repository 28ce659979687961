// Credentials per §8: client_credentials (OAuth2 token endpoint), tba (NetSuite OAuth 1.0a),
// basic (Workday integration user), token (Harvest PAT + account id, Kantata bearer).
// A fetched token is cached and refreshed shortly before it expires (by the injected clock);
// SourceHttp calls invalidate() after a 401 and retries the request once with a fresh token.
import type { Clock } from '../../../server/lib/clock.ts'
import { ConnectorAuthError } from './errors.ts'
import { netsuiteRealm, oauth1Header } from './oauth1.ts'
import type { AuthConfig } from './types.ts'

export interface Authenticator {
  /** Headers that authenticate one request (may fetch or refresh a token first). */
  headers(req: { method: string; url: string }): Promise<Record<string, string>>
  /** Forget a cached token after a 401, so the next headers() fetches a new one. */
  invalidate(): void
}

export interface TokenEndpointOptions {
  tokenUrl: string
  clientId: string
  clientSecret: string
  scope?: string
  clock: Clock
  fetch?: typeof fetch
  /** Lifetime assumed when the answer has no expires_in (Salesforce answers none: its session
   *  timeout is an org setting a live tenant must confirm); a 401 refreshes early anyway. */
  defaultTtlMs?: number
  /** Refresh this long before expiry, so a token never expires mid-request. */
  refreshMarginMs?: number
  timeoutMs?: number
}

/** OAuth2 client-credentials grant with a cached, single-flight token. */
export function clientCredentials(o: TokenEndpointOptions): Authenticator {
  const doFetch = o.fetch ?? fetch
  let cached: { token: string; expiresAt: number } | null = null
  let inflight: Promise<string> | null = null
  const margin = o.refreshMarginMs ?? 60_000

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret })
    if (o.scope) form.set('scope', o.scope)
    let res: Response
    try {
      res = await doFetch(o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
      })
    } catch (e) {
      throw new ConnectorAuthError(`Could not reach the token endpoint ${o.tokenUrl}: ${(e as Error).message}.`)
    }
    const text = await res.text()
    let body: Record<string, unknown> = {}
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      /* reported below */
    }
    if (!res.ok || typeof body.access_token !== 'string') {
      const why = [body.error, body.error_description].filter(Boolean).join(': ') || text.slice(0, 200) || `HTTP ${res.status}`
      throw new ConnectorAuthError(`The token endpoint ${o.tokenUrl} refused client ${o.clientId} (HTTP ${res.status}): ${why}. Check client_id, client_secret and scope.`, res.status)
    }
    const ttl = typeof body.expires_in === 'number' || typeof body.expires_in === 'string' ? Number(body.expires_in) * 1000 : (o.defaultTtlMs ?? 15 * 60_000)
    cached = { token: body.access_token, expiresAt: o.clock.now().getTime() + ttl }
    return body.access_token
  }

  async function token(): Promise<string> {
    if (cached && o.clock.now().getTime() < cached.expiresAt - margin) return cached.token
    inflight ??= fetchToken().finally(() => (inflight = null))
    return inflight
  }

  return {
    async headers() {
      return { authorization: `Bearer ${await token()}` }
    },
    invalidate() {
      cached = null
    },
  }
}

export function bearerToken(token: string, extra: Record<string, string> = {}): Authenticator {
  return { headers: async () => ({ authorization: `Bearer ${token}`, ...extra }), invalidate() {} }
}

export function basicAuth(username: string, password: string): Authenticator {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  return { headers: async () => ({ authorization: value }), invalidate() {} }
}

/** NetSuite TBA: every request signed afresh (new nonce and timestamp), so nothing to cache. */
export function tokenBasedAuth(c: Extract<AuthConfig, { type: 'tba' }>, clock: Clock): Authenticator {
  const creds = { consumerKey: c.consumer_key, consumerSecret: c.consumer_secret, token: c.token_id, tokenSecret: c.token_secret, realm: netsuiteRealm(c.account_id) }
  return {
    headers: async ({ method, url }) => ({ authorization: oauth1Header(method, url, creds, { timestamp: Math.floor(clock.now().getTime() / 1000) }) }),
    invalidate() {},
  }
}

/** Names the auth types a connector type accepts, so a wrong one stops with a sentence. */
export function expectAuth<T extends AuthConfig['type']>(connector: string, auth: AuthConfig, ...types: T[]): Extract<AuthConfig, { type: T }> {
  if (!types.includes(auth.type as T)) {
    throw new ConnectorAuthError(`A ${connector} connector takes auth.type ${types.join(' or ')}, not ${auth.type}.`)
  }
  return auth as Extract<AuthConfig, { type: T }>
}

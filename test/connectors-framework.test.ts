// Connector framework: OAuth 1.0a signing vectors, token caching and refresh, and the per-source
// HTTP client's retries, pauses and limits against tiny local servers. Every wait goes through
// a test clock, so nothing here sleeps for real.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock, type Clock } from '../server/lib/clock.ts'
import { clientCredentials, bearerToken } from '../ingest/connectors/framework/auth.ts'
import { BudgetExhausted, ConnectorAuthError, ConnectorHttpError } from '../ingest/connectors/framework/errors.ts'
import { SourceHttp } from '../ingest/connectors/framework/http.ts'
import { parseRetryAfter } from '../ingest/connectors/framework/limits.ts'
import { netsuiteRealm, oauth1Header, sign, signatureBaseString } from '../ingest/connectors/framework/oauth1.ts'
import type { ConnectorConfig, SourceLimits } from '../ingest/connectors/framework/types.ts'

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => { status?: number; headers?: Record<string, string>; body?: unknown } | undefined | Promise<{ status?: number; headers?: Record<string, string>; body?: unknown } | undefined>
const servers: Array<ReturnType<typeof createServer>> = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

async function serve(handler: Handler) {
  const hits: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = []
  const s = createServer(async (req, res) => {
    let body = ''
    for await (const c of req) body += c
    hits.push({ method: req.method!, url: req.url!, headers: req.headers, body })
    const r = await handler(req, body, res)
    if (!r) return // the handler keeps the response open
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers })
    res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {}))
  })
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits }
}

const config = (base_url: string): ConnectorConfig => ({ type: 'harvest', base_url, auth: { type: 'token', token: 't' } })
const client = (base: string, clock: Clock, limits: Partial<SourceLimits> = {}, extra: Partial<ConstructorParameters<typeof SourceHttp>[2]> = {}) =>
  new SourceHttp(config(base), bearerToken('t'), { clock, ...extra }, { concurrency: 4, ...limits })

/** A clock whose sleeps wait until the test releases them, to observe who is waiting. */
class HeldClock implements Clock {
  ms = Date.parse('2026-01-01T00:00:00Z')
  pending: Array<{ until: number; resolve: () => void }> = []
  now() {
    return new Date(this.ms)
  }
  sleep(ms: number) {
    return new Promise<void>((resolve) => this.pending.push({ until: this.ms + ms, resolve }))
  }
  release() {
    const p = this.pending.splice(0)
    this.ms = Math.max(this.ms, ...p.map((x) => x.until))
    for (const x of p) x.resolve()
  }
}
const turns = async (until: () => boolean) => {
  for (let i = 0; i < 10_000 && !until(); i++) await new Promise((r) => setImmediate(r))
  expect(until()).toBe(true)
}

describe('OAuth 1.0a (RFC 5849)', () => {
  it('builds the signature base string of RFC 5849 §3.4.1.1', () => {
    const url = new URL('http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b')
    const params: Array<[string, string]> = [
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['c2', ''],
      ['a3', '2 q'],
      ['realm', 'Example'],
    ]
    expect(signatureBaseString('post', url, params)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    )
  })
  it('signs the well-known HMAC-SHA1 example (Twitter developer docs)', () => {
    const header = oauth1Header(
      'POST',
      'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
      { consumerKey: 'xvz1evFS4wEEPTGEFPHBog', consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE', signatureMethod: 'HMAC-SHA1' },
      { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958, formParams: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']] },
    )
    expect(header).toContain(`oauth_signature="${encodeURIComponent('hCtSmYh+iHYCEqBWrE7C7hYmtUk=')}"`)
  })
  it('HMAC-SHA256 NetSuite header: realm first and unsigned, SHA256 over the same base string', () => {
    const creds = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts', realm: netsuiteRealm('1234567-sb1') }
    const url = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=2&offset=0'
    const header = oauth1Header('POST', url, creds, { nonce: 'n', timestamp: 1700000000 })
    expect(header).toMatch(/^OAuth realm="1234567_SB1", oauth_consumer_key="ck", oauth_token="tk", oauth_signature_method="HMAC-SHA256", oauth_timestamp="1700000000", oauth_nonce="n", oauth_version="1.0", oauth_signature="/)
    const base = signatureBaseString('POST', new URL(url), [
      ['oauth_consumer_key', 'ck'],
      ['oauth_token', 'tk'],
      ['oauth_signature_method', 'HMAC-SHA256'],
      ['oauth_timestamp', '1700000000'],
      ['oauth_nonce', 'n'],
      ['oauth_version', '1.0'],
    ])
    expect(base).toContain('limit%3D2%26oauth_consumer_key')
    expect(header).toContain(`oauth_signature="${encodeURIComponent(sign(base, 'cs', 'ts', 'HMAC-SHA256'))}"`)
  })
})

describe('client credentials', () => {
  async function setup(rejectTokens: string[] = []) {
    let issued = 0
    const tokens = await serve(() => ({ body: { access_token: `tok${++issued}`, token_type: 'Bearer', expires_in: 3600 } }))
    const api = await serve((req) => (rejectTokens.includes(String(req.headers.authorization)) ? { status: 401, body: [{ errorCode: 'INVALID_SESSION_ID' }] } : { body: { ok: req.headers.authorization } }))
    const clock = new ManualClock('2026-01-01T00:00:00Z')
    const auth = clientCredentials({ tokenUrl: `${tokens.url}/services/oauth2/token`, clientId: 'id', clientSecret: 'secret', scope: 'api', clock })
    const http = new SourceHttp(config(api.url), auth, { clock })
    return { tokens, api, clock, http }
  }
  it('caches the token and refreshes it once before it expires mid-run', async () => {
    const { tokens, clock, http } = await setup()
    const [a, b] = await Promise.all([http.json<{ ok: string }>({ url: '/x' }), http.json<{ ok: string }>({ url: '/y' })])
    expect([a.body.ok, b.body.ok]).toEqual(['Bearer tok1', 'Bearer tok1'])
    expect(tokens.hits).toHaveLength(1) // single-flight
    expect(new URLSearchParams(tokens.hits[0].body).get('grant_type')).toBe('client_credentials')
    expect(new URLSearchParams(tokens.hits[0].body).get('scope')).toBe('api')
    clock.advance(3600_000 - 30_000) // inside the refresh margin
    expect((await http.json<{ ok: string }>({ url: '/z' })).body.ok).toBe('Bearer tok2')
    expect((await http.json<{ ok: string }>({ url: '/z' })).body.ok).toBe('Bearer tok2')
    expect(tokens.hits).toHaveLength(2)
  })
  it('a 401 refreshes the token once and retries the request once', async () => {
    const { tokens, api, http } = await setup(['Bearer tok1'])
    expect((await http.json<{ ok: string }>({ url: '/x' })).body.ok).toBe('Bearer tok2')
    expect(tokens.hits).toHaveLength(2)
    expect(api.hits).toHaveLength(2)
    expect(http.stats.refreshes).toBe(1)
  })
  it('a second 401 is a clear auth error, not a loop', async () => {
    const { tokens, api, http } = await setup(['Bearer tok1', 'Bearer tok2', 'Bearer tok3'])
    const err = await http.json({ url: '/x' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectorAuthError)
    expect((err as Error).message).toMatch(/rejected the credentials twice/)
    expect(api.hits).toHaveLength(2)
    expect(tokens.hits).toHaveLength(2)
  })
  it('a refused token request names the client and the reason', async () => {
    const tokens = await serve(() => ({ status: 400, body: { error: 'invalid_client', error_description: 'bad secret' } }))
    const auth = clientCredentials({ tokenUrl: tokens.url, clientId: 'id1', clientSecret: 's', clock: new ManualClock() })
    await expect(auth.headers({ method: 'GET', url: 'x' })).rejects.toThrow(/refused client id1 \(HTTP 400\): invalid_client: bad secret/)
  })
})

describe('SourceHttp', () => {
  it('a 429 with Retry-After pauses every request of the source until it has passed', async () => {
    const clock = new HeldClock()
    const t0 = clock.ms
    const at: number[] = []
    const api = await serve(() => {
      at.push(clock.ms)
      return at.length === 1 ? { status: 429, headers: { 'retry-after': '7' } } : { body: { ok: true } }
    })
    const http = client(api.url, clock)
    const a = http.json({ url: '/a' })
    await turns(() => clock.pending.length === 1) // A got its 429 and waits
    const b = http.json({ url: '/b' })
    await turns(() => clock.pending.length === 2) // B waits on the same pause instead of sending
    expect(api.hits).toHaveLength(1)
    expect(clock.pending.map((p) => p.until - t0)).toEqual([7000, 7000])
    clock.release()
    await Promise.all([a, b])
    expect(api.hits.map((h) => h.url).sort()).toEqual(['/a', '/a', '/b'])
    expect(at.slice(1).every((t) => t >= t0 + 7000)).toBe(true)
    expect(http.stats.pauses).toBe(1)
  })
  it('reads Retry-After as seconds or an HTTP date; 503 with it pauses too', async () => {
    const now = new Date('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    const clock = new ManualClock('2026-01-01T00:00:00Z')
    let n = 0
    const api = await serve(() => (++n === 1 ? { status: 503, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' } } : { body: {} }))
    await client(api.url, clock).json({ url: '/' })
    expect(clock.sleeps).toEqual([30_000])
  })
  it('a Retry-After longer than max_pause_ms ends the run as partial', async () => {
    const api = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' } }))
    const err = await client(api.url, new ManualClock(), { max_pause_ms: 60_000 }).json({ url: '/' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BudgetExhausted)
  })
  it('retries 5xx with exponential backoff on the clock, then gives up with a sentence', async () => {
    const clock = new ManualClock()
    let n = 0
    const api = await serve(() => (++n <= 2 ? { status: n === 1 ? 500 : 502, body: 'oops' } : { body: { done: true } }))
    expect((await client(api.url, clock).json<{ done: boolean }>({ url: '/' })).body.done).toBe(true)
    expect(api.hits).toHaveLength(3)
    expect(clock.sleeps).toEqual([1000, 2000])

    const down = await serve(() => ({ status: 500, body: 'down' }))
    const clock2 = new ManualClock()
    const err = await client(down.url, clock2, { retries: 3 }).json({ url: '/' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectorHttpError)
    expect((err as Error).message).toMatch(/kept failing after 3 retries/)
    expect(down.hits).toHaveLength(4)
    expect(clock2.sleeps).toEqual([1000, 2000, 4000])
  })
  it('does not retry a 4xx', async () => {
    const api = await serve(() => ({ status: 404, body: { error: 'no such thing' } }))
    await expect(client(api.url, new ManualClock()).json({ url: '/' })).rejects.toThrow(/HTTP 404.*no such thing/)
    expect(api.hits).toHaveLength(1)
  })
  it('retries a request that timed out', async () => {
    const clock = new ManualClock()
    const timers: AbortController[] = []
    const api = await serve(() => {
      if (timers.length === 1) {
        timers[0].abort(new DOMException('timed out', 'TimeoutError')) // the first attempt's timeout fires
        return undefined // and its answer never comes
      }
      return { body: { second: true } }
    })
    const http = client(api.url, clock, {}, { timeoutSignal: () => (timers.push(new AbortController()), timers[timers.length - 1].signal) })
    expect((await http.json<{ second: boolean }>({ url: '/' })).body.second).toBe(true)
    expect(api.hits).toHaveLength(2)
    expect(clock.sleeps).toEqual([1000])
    expect(http.stats.retries).toBe(1)
  })
  it('a token bucket spaces requests out (3 per 3 s)', async () => {
    const clock = new ManualClock()
    const t0 = clock.now().getTime()
    const at: number[] = []
    const api = await serve(() => (at.push(clock.now().getTime() - t0), { body: {} }))
    const http = client(api.url, clock, { requests: 3, per_ms: 3000 })
    for (let i = 0; i < 5; i++) await http.json({ url: '/' })
    expect(at).toEqual([0, 0, 0, 1000, 2000])
  })
  it('caps requests in flight across all callers of the source', async () => {
    const held: Array<() => void> = []
    let inFlight = 0
    let max = 0
    const api = await serve(
      () =>
        new Promise((resolve) => {
          max = Math.max(max, ++inFlight)
          held.push(() => (inFlight--, resolve({ body: {} })))
        }),
    )
    const http = client(api.url, new ManualClock(), { concurrency: 2 })
    const all = Promise.all(Array.from({ length: 5 }, (_, i) => http.json({ url: `/${i}` })))
    await turns(() => held.length === 2)
    await new Promise((r) => setTimeout(r, 50)) // room for a third request to (wrongly) arrive
    expect(api.hits).toHaveLength(2)
    while (api.hits.length < 5 || held.length) {
      held.shift()?.()
      await new Promise((r) => setTimeout(r, 5))
    }
    await all
    expect(max).toBe(2)
  })
  it('stops before the next request once the reported daily budget reaches the reserve', async () => {
    const api = await serve(() => ({ headers: { 'sforce-limit-info': 'api-usage=80/100' }, body: {} }))
    const http = new SourceHttp(config(api.url), bearerToken('t'), { clock: new ManualClock() }, { budget_reserve: 25 }, {
      observe: (res, h) => {
        const m = /api-usage=(\d+)\/(\d+)/.exec(res.headers.get('sforce-limit-info') ?? '')
        if (m) h.noteUsage(Number(m[1]), Number(m[2]))
      },
    })
    await http.json({ url: '/' })
    expect(http.budgetLeft).toBe(20)
    await expect(http.json({ url: '/' })).rejects.toBeInstanceOf(BudgetExhausted)
    expect(api.hits).toHaveLength(1)
  })
})

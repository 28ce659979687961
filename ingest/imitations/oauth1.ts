// OAuth 1.0a (RFC 5849) with HMAC-SHA256, as NetSuite TBA uses it. The imitation verifies the
// signature itself, so a connector whose base string is wrong is refused exactly as NetSuite would.
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface TbaCredentials {
  accountId: string
  consumerKey: string
  consumerSecret: string
  tokenId: string
  tokenSecret: string
}

/** RFC 3986 percent-encoding (RFC 5849 §3.6): everything but unreserved characters. */
export function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** §3.4.1: METHOD & base URI & normalized parameters (query + oauth_* but not realm/signature). */
export function baseString(method: string, url: string, oauthParams: Record<string, string>): string {
  const u = new URL(url)
  const defaultPort = (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443')
  const base = `${u.protocol}//${u.hostname.toLowerCase()}${u.port && !defaultPort ? `:${u.port}` : ''}${u.pathname}`
  const pairs: [string, string][] = []
  u.searchParams.forEach((v, k) => pairs.push([pct(k), pct(v)]))
  for (const [k, v] of Object.entries(oauthParams)) if (k !== 'realm' && k !== 'oauth_signature') pairs.push([pct(k), pct(v)])
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
  return [method.toUpperCase(), pct(base), pct(pairs.map(([k, v]) => `${k}=${v}`).join('&'))].join('&')
}

export function signature(base: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha256', `${pct(consumerSecret)}&${pct(tokenSecret)}`).update(base).digest('base64')
}

/** The Authorization header a TBA client sends (used by tests; the connector has its own signer). */
export function signTba(method: string, url: string, c: TbaCredentials, nonce: string, timestamp: number): string {
  const params: Record<string, string> = {
    oauth_consumer_key: c.consumerKey, oauth_token: c.tokenId, oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(timestamp), oauth_nonce: nonce, oauth_version: '1.0',
  }
  params.oauth_signature = signature(baseString(method, url, params), c.consumerSecret, c.tokenSecret)
  const fields = Object.entries(params).map(([k, v]) => `${k}="${pct(v)}"`)
  return `OAuth realm="${c.accountId.toUpperCase().replace(/-/g, '_')}", ${fields.join(', ')}`
}

export function parseOAuthHeader(header: string | undefined): Record<string, string> | undefined {
  if (!header || !/^OAuth\s/i.test(header)) return undefined
  const out: Record<string, string> = {}
  for (const m of header.slice(6).matchAll(/([A-Za-z_]+)="([^"]*)"/g)) out[m[1]] = decodeURIComponent(m[2])
  return out
}

/** Why a request is refused, or undefined when its signature, key, token and realm check out. */
export function verifyTba(method: string, url: string, header: string | undefined, c: TbaCredentials, nowSeconds: number, seenNonces: Set<string>): string | undefined {
  const p = parseOAuthHeader(header)
  if (!p) return 'no OAuth header'
  if (p.oauth_signature_method !== 'HMAC-SHA256') return 'signature method must be HMAC-SHA256'
  if (p.realm !== c.accountId.toUpperCase().replace(/-/g, '_')) return 'wrong realm'
  if (p.oauth_consumer_key !== c.consumerKey || p.oauth_token !== c.tokenId) return 'unknown consumer or token'
  if (Math.abs(nowSeconds - Number(p.oauth_timestamp)) > 300) return 'timestamp outside five minutes'
  const nonceKey = `${p.oauth_timestamp}:${p.oauth_nonce}`
  if (seenNonces.has(nonceKey)) return 'nonce reused'
  const expected = Buffer.from(signature(baseString(method, url, p), c.consumerSecret, c.tokenSecret))
  const got = Buffer.from(p.oauth_signature ?? '')
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return 'bad signature'
  seenNonces.add(nonceKey)
  return undefined
}

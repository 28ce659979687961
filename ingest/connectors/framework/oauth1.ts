// OAuth 1.0a request signing (RFC 5849 §3.4), as NetSuite token-based auth needs it:
// HMAC-SHA256 with realm = the account id. Only query and form parameters are signed; a JSON
// body (SuiteQL) is not part of the base string (RFC 5849 §3.4.1.3.1).
import { createHmac, randomBytes } from 'node:crypto'

export interface OAuth1Credentials {
  consumerKey: string
  consumerSecret: string
  token: string
  tokenSecret: string
  realm?: string
  signatureMethod?: 'HMAC-SHA256' | 'HMAC-SHA1'
}

/** RFC 3986 unreserved-only percent-encoding (RFC 5849 §3.6): stricter than encodeURIComponent. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

/** Base string URI (§3.4.1.2): scheme and host lower-case, default port dropped, no query. */
export function baseStringUri(url: URL): string {
  const port = url.port && !((url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')) ? `:${url.port}` : ''
  return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`
}

/** Signature base string (§3.4.1): METHOD&uri&normalized-params, params sorted by encoded name then value. */
export function signatureBaseString(method: string, url: URL, params: Array<[string, string]>): string {
  const all: Array<[string, string]> = []
  // URLSearchParams decodes `+` as a space, which is how §3.4.1.3.1 reads query strings too.
  for (const [k, v] of url.searchParams) all.push([k, v])
  for (const [k, v] of params) if (k !== 'realm' && k !== 'oauth_signature') all.push([k, v])
  const encoded = all.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  const normalized = encoded.map(([k, v]) => `${k}=${v}`).join('&')
  return [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalized)].join('&')
}

export function sign(base: string, consumerSecret: string, tokenSecret: string, method: 'HMAC-SHA256' | 'HMAC-SHA1'): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`
  return createHmac(method === 'HMAC-SHA256' ? 'sha256' : 'sha1', key).update(base).digest('base64')
}

/**
 * The Authorization header for one request. `formParams` are the body's
 * application/x-www-form-urlencoded parameters, if any; nonce and timestamp are injectable for tests.
 */
export function oauth1Header(
  method: string,
  url: string | URL,
  creds: OAuth1Credentials,
  opts: { nonce?: string; timestamp?: number; formParams?: Array<[string, string]> } = {},
): string {
  const signatureMethod = creds.signatureMethod ?? 'HMAC-SHA256'
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', creds.consumerKey],
    ['oauth_token', creds.token],
    ['oauth_signature_method', signatureMethod],
    ['oauth_timestamp', String(opts.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_nonce', opts.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_version', '1.0'],
  ]
  const base = signatureBaseString(method, new URL(url), [...oauth, ...(opts.formParams ?? [])])
  const signature = sign(base, creds.consumerSecret, creds.tokenSecret, signatureMethod)
  const parts = [...(creds.realm !== undefined ? [`realm="${percentEncode(creds.realm)}"`] : []), ...[...oauth, ['oauth_signature', signature]].map(([k, v]) => `${k}="${percentEncode(v)}"`)]
  return `OAuth ${parts.join(', ')}`
}

/** NetSuite realm: the account id upper-case, a sandbox's `-sb1` written `_SB1` (REFERENCE §2.3). */
export function netsuiteRealm(accountId: string): string {
  return accountId.trim().toUpperCase().replace(/-/g, '_')
}

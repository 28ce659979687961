// Bearer tokens: the admin token and per-source collector tokens. Only SHA-256 digests are
// held; comparison is constant-time.
import crypto from 'node:crypto'
import type { Config } from '../config/schema.ts'

/** What a configured token is: the admin token, or a source's collector token from the config. */
export type ConfiguredToken = { kind: 'admin' } | { kind: 'collector'; system: string }

export const sha256Hex = (s: string) => crypto.createHash('sha256').update(s).digest('hex')

export function newToken(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(24).toString('base64url')}`
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}

export class TokenStore {
  constructor(
    private adminDigest: string | null,
    private config: Config,
  ) {}

  /** A server secret for derived tokens (never the admin token itself). */
  get secretDigest(): string {
    return sha256Hex(`crosswalk:${this.adminDigest ?? ''}`)
  }

  resolve(token: string | null): ConfiguredToken | null {
    if (!token) return null
    const digest = sha256Hex(token)
    let found: ConfiguredToken | null = null
    // Compare against every digest (no early exit) so timing does not reveal which matched.
    if (this.adminDigest && sameDigest(digest, this.adminDigest)) found = { kind: 'admin' }
    for (const s of this.config.sources) {
      if (s.token_sha256 && sameDigest(digest, s.token_sha256) && !found) found = { kind: 'collector', system: s.system }
    }
    return found
  }
}

export function bearer(header: string | undefined | null): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return m ? m[1] : null
}

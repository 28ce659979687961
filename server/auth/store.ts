// Users, API tokens and sessions in ClickHouse. Every change is a new row (the newest wins);
// secrets are kept only as digests. Lookups on the request path are cached briefly and the
// cache is dropped on every change made through this process.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { systemClock, type Clock } from '../lib/clock.ts'
import { arrivalMicros, chToIso, microsToCh, toChDateTime } from '../lib/time.ts'
import type { Role } from './principal.ts'
import { sha256Hex } from './tokens.ts'

export interface User {
  id: string
  email: string
  name: string
  role: Role
  password_hash: string
  disabled: boolean
  created_at: string
}

export interface ApiToken {
  id: string
  kind: 'collector' | 'personal'
  system: string
  user_id: string
  name: string
  token_sha256: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
}

export interface SessionRow {
  user_id: string
  created_at: string
  last_seen_at: string
  revoked: boolean
}

const CACHE_MS = 5_000
// Row versions only order changes, so they follow arrival; the times a session or token is judged
// by (created, last seen, revoked, used) come from the clock, which tests move instead of sleeping.
const version = () => microsToCh(arrivalMicros())

/** Whether a stored token may still be used at `now` (not revoked, not past its expiry). */
export const tokenLive = (t: Pick<ApiToken, 'revoked_at' | 'expires_at'>, now: Date) => !t.revoked_at && !(t.expires_at && Date.parse(t.expires_at) <= now.getTime())

export class AccessStore {
  private tokenCache = new Map<string, { at: number; token: ApiToken | null }>()
  private userCache = new Map<string, { at: number; user: User | null }>()
  private lastUse = new Map<string, number>()

  constructor(
    private db: Db,
    private clock: Clock = systemClock,
  ) {}

  /** The clock's time as ClickHouse DateTime64(3) text. */
  private at(): string {
    return toChDateTime(this.clock.now())
  }

  private ms(): number {
    return this.clock.now().getTime()
  }

  private invalidate() {
    this.tokenCache.clear()
    this.userCache.clear()
  }

  async users(filter: { id?: string; email?: string } = {}): Promise<User[]> {
    const rows = await queryRows<User>(this.db, 'access.users', sqlFile('access/users.sql'), { id: filter.id ?? '', email: filter.email ?? '' })
    return rows.map((u) => ({ ...u, disabled: Boolean(u.disabled), created_at: chToIso(u.created_at)! }))
  }

  async user(id: string): Promise<User | null> {
    const hit = this.userCache.get(id)
    if (hit && this.ms() - hit.at < CACHE_MS) return hit.user
    const [user] = await this.users({ id })
    this.userCache.set(id, { at: this.ms(), user: user ?? null })
    return user ?? null
  }

  async saveUser(u: Omit<User, 'created_at'> & { created_at?: string }): Promise<void> {
    await insertRows(this.db, 'users', [{ ...u, version: version(), created_at: u.created_at ? u.created_at.replace('T', ' ').replace('Z', '') : this.at() }])
    this.invalidate()
  }

  async tokens(filter: { id?: string; sha?: string } = {}): Promise<ApiToken[]> {
    const rows = await queryRows<ApiToken>(this.db, 'access.tokens', sqlFile('access/tokens.sql'), { id: filter.id ?? '', sha: filter.sha ?? '' })
    return rows.map((t) => ({
      ...t,
      created_at: chToIso(t.created_at)!,
      expires_at: chToIso(t.expires_at),
      revoked_at: chToIso(t.revoked_at),
      last_used_at: chToIso(t.last_used_at),
    }))
  }

  async tokenByDigest(sha: string): Promise<ApiToken | null> {
    const hit = this.tokenCache.get(sha)
    if (hit && this.ms() - hit.at < CACHE_MS) return hit.token
    const [t] = await this.tokens({ sha })
    this.tokenCache.set(sha, { at: this.ms(), token: t ?? null })
    return t ?? null
  }

  async createToken(t: { id?: string; kind: 'collector' | 'personal'; system?: string; user_id?: string; name: string; expires_at?: Date | null }, secret: string): Promise<ApiToken> {
    const id = t.id ?? newTokenId()
    const row = {
      id, version: version(), kind: t.kind, system: t.system ?? '', user_id: t.user_id ?? '', name: t.name,
      token_sha256: sha256Hex(secret), created_at: this.at(), expires_at: t.expires_at ? toChDateTime(t.expires_at) : null, revoked_at: null,
    }
    await insertRows(this.db, 'api_tokens', [row])
    this.invalidate()
    return (await this.tokens({ id }))[0]
  }

  async revokeToken(t: ApiToken): Promise<void> {
    await insertRows(this.db, 'api_tokens', [
      { ...t, version: version(), created_at: t.created_at.replace('T', ' ').replace('Z', ''), expires_at: t.expires_at?.replace('T', ' ').replace('Z', '') ?? null, revoked_at: this.at(), last_used_at: undefined },
    ])
    this.invalidate()
  }

  /** Records a token's use, at most once a minute per token. */
  touchToken(id: string): void {
    const last = this.lastUse.get(id) ?? 0
    if (this.ms() - last < 60_000) return
    this.lastUse.set(id, this.ms())
    insertRows(this.db, 'token_usage', [{ token_id: id, used_at: this.at() }]).catch(() => {})
  }

  async createSession(userId: string): Promise<string> {
    const secret = crypto.randomBytes(32).toString('base64url')
    const at = this.at()
    await insertRows(this.db, 'sessions', [{ id_sha256: sha256Hex(secret), version: version(), user_id: userId, created_at: at, last_seen_at: at, revoked: false }])
    return secret
  }

  async session(secret: string): Promise<SessionRow | null> {
    const [s] = await queryRows<SessionRow>(this.db, 'access.session', sqlFile('access/session.sql'), { sha: sha256Hex(secret) })
    return s ? { ...s, revoked: Boolean(s.revoked) } : null
  }

  /** Moves a session's idle clock, at most once a minute. */
  async touchSession(secret: string, s: SessionRow): Promise<void> {
    if (this.ms() - Date.parse(chToIso(s.last_seen_at)!) < 60_000) return
    await insertRows(this.db, 'sessions', [{ id_sha256: sha256Hex(secret), version: version(), user_id: s.user_id, created_at: s.created_at, last_seen_at: this.at(), revoked: false }])
  }

  async revokeSession(secret: string, s: SessionRow): Promise<void> {
    await insertRows(this.db, 'sessions', [{ id_sha256: sha256Hex(secret), version: version(), user_id: s.user_id, created_at: s.created_at, last_seen_at: s.last_seen_at, revoked: true }])
  }
}

/** A token's id, made before it is stored so that the audit record can name it first. */
export function newTokenId(): string {
  return `tok_${crypto.randomBytes(8).toString('hex')}`
}

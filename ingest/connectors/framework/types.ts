// The shapes shared by the framework and the six connector types (CONTRACT §8).
import type { Clock } from '../../../server/lib/clock.ts'
import type { Authenticator } from './auth.ts'
import type { HttpHooks, SourceHttp } from './http.ts'

export type ConnectorTypeName = 'salesforce' | 'netsuite' | 'dynamics' | 'workday' | 'kantata' | 'harvest'
export type SourceKind = 'crm' | 'erp' | 'psa' | 'hr'

export type AuthConfig =
  | { type: 'client_credentials'; client_id: string; client_secret: string; scope?: string; token_url?: string; tenant_id?: string }
  | { type: 'tba'; account_id: string; consumer_key: string; consumer_secret: string; token_id: string; token_secret: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'token'; token: string; account_id?: string }

/** Per-source limits; each type has defaults, a connector's `limits` overrides them. */
export interface SourceLimits {
  /** Token bucket: at most `requests` per `per_ms` (Harvest 100 / 15 s). 0 = no bucket. */
  requests: number
  per_ms: number
  /** Requests in flight at once, shared by every entity of the source (NetSuite account-wide slots). */
  concurrency: number
  timeout_ms: number
  /** Timeout of one streamed download (a RaaS report), headers to last byte. */
  stream_timeout_ms: number
  /** Retries of a 5xx, network error or timeout. */
  retries: number
  backoff_min_ms: number
  backoff_max_ms: number
  /** Consecutive 429/503 pauses before giving up on a request. */
  rate_limit_retries: number
  /** A Retry-After longer than this ends the run as partial (resume next time) instead of waiting. */
  max_pause_ms: number
  /** Salesforce daily API budget kept for the firm's other integrations: a fraction (<1) or a count. */
  budget_reserve: number
}

/** The `connector` block of a source (§8), secrets already resolved. */
export interface ConnectorConfig {
  type: ConnectorTypeName
  base_url: string
  auth: AuthConfig
  /** Salesforce REST version without the `v` (default 62.0). */
  api_version?: string
  /** Workday: the report's whole URL (or per entity as `source.report`). */
  report_url?: string
  /** Harvest requires `User-Agent: App (contact)`. */
  user_agent?: string
  page_size?: number
  /** Request each next page while the current one is mapped and stored (default off: a page is
   *  asked for only once the one before is committed, which the crash-recovery test relies on). */
  read_ahead?: boolean
  /** NetSuite: rows one SuiteQL query serves through offsets (100,000); past it, keyset paging. */
  row_cap?: number
  /** NetSuite: the IANA zone SuiteQL compares TO_DATE literals in (default UTC; a live tenant must confirm). */
  query_time_zone?: string
  /** Overlap subtracted from the stored modified-time cursor (default 300 s). */
  overlap_seconds?: number
  /** Read the system's own deletion feed on incremental pulls where the type has one (default
   *  true; NetSuite's `deletedrecord`). Off: deletions come from full listings only. */
  deletion_feed?: boolean
  limits?: Partial<SourceLimits>
}

/** Where an entity is read from (§8 `source`); a type uses the keys that fit it. */
export interface EntitySource {
  object?: string // Salesforce sObject
  table?: string // NetSuite SuiteQL table (or FROM clause)
  endpoint?: string // Kantata / Harvest endpoint
  entity_set?: string // Dataverse entity set
  report?: string // Workday report URL
  where?: string // passed to the vendor's query language as written
  include?: string[] // Kantata include= / Dataverse $expand
  /** Column holding the native id / modification time when not the type's default. */
  id_column?: string
  modified_column?: string
  /** Salesforce: read full listings through Bulk API 2.0. */
  bulk?: boolean
  /** Dataverse: use change tracking (default true). */
  track_changes?: boolean
  [key: string]: unknown
}

export type CursorKind = 'timestamp' | 'delta_token' | 'locator' | 'keyset'

/** What a runner persists per (source, entity) once the batch holding a page has committed. */
export interface CursorState {
  kind: CursorKind
  value: string
  /** Upper bound (exclusive) of the window the page belongs to, fixed at the run's start. */
  window_end?: string
  api_version?: string
}

export interface Page {
  /** Native records as the API returns them, nested objects kept. */
  records: unknown[]
  /** Native ids the system reports deleted (its own deletion feed). */
  deletedIds?: string[]
  /** State to save once this page's batch commits; null = nothing new to save. */
  state: CursorState | null
  last: boolean
  /**
   * This page belongs to a complete listing: mode 'full', a report that is always whole
   * (Workday), or an incremental that had to fall back (expired delta link). The runner sends
   * such pages as one multi-part snapshot (§3), so deletions happen when the last lands.
   */
  full?: boolean
  /** `note`: something the run should record once, e.g. a deletion feed the role may not read. */
  info: { url: string; status: number; note?: string }
}

export interface ReadOptions {
  mode: 'incremental' | 'full'
  state: CursorState | null
  /** Native paths the mapping reads (dots into nested objects / associations). */
  columns: string[]
  /** Overrides of the type's default source for this entity. */
  source?: EntitySource
  /** Lower bound of a first incremental read with no state (absent: everything). */
  since?: Date
  /** The run's start: upper bound of incremental windows. Default: the clock's now at read start. */
  runStartedAt?: Date
  /** The source's client (from openSource): shared limits, auth, and its `config`. */
  http: SourceHttp
}

export interface ConnectorDeps {
  clock: Clock
  fetch?: typeof fetch
  /** Aborts every request of the source (run cancelled). */
  signal?: AbortSignal
  /** Per-request timeout signal; tests inject one they can fire. Default AbortSignal.timeout. */
  timeoutSignal?: (ms: number) => AbortSignal
}

export interface ConnectorType {
  type: ConnectorTypeName
  kinds: SourceKind[]
  /** Entities the type can feed, per kind it may play. */
  entities: string[]
  /** Where each entity is read from unless the firm overrides it. */
  defaultSources: Record<string, EntitySource>
  defaultLimits: Partial<SourceLimits>
  /** False for a type whose every read is a complete listing (Workday reports): its runs are full. */
  incremental?: boolean
  auth(config: ConnectorConfig, deps: ConnectorDeps): Authenticator
  /** Type-specific HTTP behaviour (headers, usage tracking, error classes) of its SourceHttp. */
  httpHooks?(config: ConnectorConfig): HttpHooks
  /** Yields pages; never persists state itself (the runner saves each page's state after its commit). */
  read(entity: string, options: ReadOptions): AsyncIterable<Page>
  /** For the docs: where incremental pulls of an entity read the system's deletions from
   *  (undefined: full listings only). Types without it document no per-entity feed. */
  deletionFeed?(entity: string, source: EntitySource): string | undefined
}

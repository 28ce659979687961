// One typed function per API call the dashboard makes.
import { get, invalidate, NORMAL, post, request, URGENT, type Priority, type Query } from './api.ts'
import type {
  BulkAnswer,
  CloseAnswer,
  Comparison,
  DeadLetter,
  ExceptionDetail,
  ExceptionItem,
  HealthAnswer,
  HealthRow,
  KpiAnswer,
  KpiDef,
  KpiName,
  ListAnswer,
  Notification,
  ReconciliationAnswer,
  ReconRecord,
  ReplayAnswer,
  Route,
  RoutePreview,
  SettingsAnswer,
  SettingsBody,
  SettingsSaved,
  SessionAnswer,
  SourceItem,
  SummaryAnswer,
  TimelineAnswer,
  TransactionDetail,
  TransactionItem,
  TriageAction,
  Role,
} from './api-types.ts'

const V1 = '/api/v1'

// Sign-in (CONTRACT §7).
export const auth = {
  login: (body: { email: string; password: string } | { token: string }) => request<SessionAnswer>('POST', `${V1}/auth/login`, { body, priority: URGENT }),
  me: () => request<SessionAnswer>('GET', `${V1}/auth/me`, { priority: URGENT }),
  logout: () => request<unknown>('POST', `${V1}/auth/logout`, { body: {}, optional: true, priority: URGENT }),
}

export const kpiCatalog = () => get<ListAnswer<KpiDef>>(`${V1}/kpis`, undefined, { ttlMs: 600_000 })

export interface KpiQuery {
  from?: string
  to?: string
  as_of?: string
  by?: string
}

export const kpi = (name: KpiName, q: KpiQuery, priority: Priority = NORMAL) => get<KpiAnswer>(`${V1}/kpis/${name}`, { ...q }, { priority, ttlMs: 60_000 })

export const exceptionList = (q: Query, fresh = false, priority: Priority = NORMAL) => get<ListAnswer<ExceptionItem>>(`${V1}/exceptions`, q, { ttlMs: 5_000, fresh, priority })

export const exceptionSummary = (by: string, q: Query = {}, fresh = false) =>
  get<SummaryAnswer>(`${V1}/exceptions/summary`, { by, ...q }, { ttlMs: 10_000, fresh })

/** Opened/resolved per week over `weeks` weeks, and money at risk at each of `at`. */
export const exceptionTimeline = (weeks: number, at: string[] = [], priority: Priority = NORMAL) =>
  get<TimelineAnswer>(`${V1}/exceptions/timeline`, { weeks, at }, { ttlMs: 30_000, priority })

export const exceptionDetail = (id: string) => get<ExceptionDetail>(`${V1}/exceptions/${encodeURIComponent(id)}`, undefined, { fresh: true })

export interface ActionBody {
  action: TriageAction
  owner?: string
  note?: string
}

export const actOn = (id: string, b: ActionBody) => post<ExceptionDetail>(`${V1}/exceptions/${encodeURIComponent(id)}/actions`, b)

export const actOnMany = (ids: string[], b: ActionBody) => post<BulkAnswer>(`${V1}/exceptions/actions`, { ids, ...b })

export const transactionList = (q: Query) => get<ListAnswer<TransactionItem>>(`${V1}/transactions`, q, { ttlMs: 10_000 })

export const transactionHealth = (by: 'workflow' | 'day' | 'workflow_day', q: Query = {}) =>
  get<ListAnswer<HealthRow> & { from: string; to: string }>(`${V1}/transactions/health`, { by, ...q }, { ttlMs: 30_000 })

export const transactionDetail = (traceId: string) => get<TransactionDetail>(`${V1}/transactions/${traceId}`, undefined, { ttlMs: 60_000 })

export const sources = (fresh = false) => get<ListAnswer<SourceItem> & { as_of: string }>(`${V1}/sources`, undefined, { fresh })

/** Unauthenticated: freshness per source for every role, executives included. */
export const health = (fresh = false) => get<HealthAnswer>(`${V1}/health`, undefined, { ttlMs: 15_000, fresh })

export const deadLetters = (q: Query) => get<ListAnswer<DeadLetter>>(`${V1}/dead-letters`, q, { ttlMs: 0, fresh: true })

export const replay = (items: Array<{ id: string; raw?: string }>) => post<ReplayAnswer>(`${V1}/dead-letters/replay`, { items })

export const notifications = () => get<ListAnswer<Notification>>(`${V1}/notifications`, { limit: 50 }, { fresh: true })

export const detect = (asOf?: string) => post<{ opened?: number; resolved?: number; [k: string]: unknown }>(`${V1}/detect`, {}, { as_of: asOf })

/** The system-pair match matrix; null on 404 (a server without reconciliation). */
export const reconciliation = (q: Query) => get<ReconciliationAnswer | null>(`${V1}/reconciliation`, q, { optional: true, ttlMs: 30_000 })

export const reconciliationRecords = (q: Query) => get<ListAnswer<ReconRecord> & { comparison: Comparison }>(`${V1}/reconciliation/records`, q, { ttlMs: 15_000 })

export const closeReadiness = (month: string) => get<CloseAnswer | null>(`${V1}/close`, { month }, { optional: true, ttlMs: 30_000 })

export interface AdminUser {
  id: string
  name: string
  email: string
  role: Role
  disabled: boolean
  has_password: boolean
  created_at: string
}

export interface AdminToken {
  id: string
  kind: 'collector' | 'personal'
  system: string | null
  user_id: string | null
  name: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
  status: 'active' | 'revoked' | 'expired'
}

export const admin = {
  users: () => get<ListAnswer<AdminUser>>(`${V1}/users`, undefined, { fresh: true }),
  createUser: (b: { name: string; email: string; role: Role; password?: string }) => post<AdminUser>(`${V1}/users`, b),
  updateUser: (id: string, b: Partial<{ name: string; role: Role; password: string; disabled: boolean }>) => request<AdminUser>('PATCH', `${V1}/users/${encodeURIComponent(id)}`, { body: b }),
  tokens: () => get<ListAnswer<AdminToken>>(`${V1}/tokens`, undefined, { fresh: true }),
  createToken: (b: { kind: 'collector' | 'personal'; system?: string; user_id?: string; name?: string }) => post<AdminToken & { token: string }>(`${V1}/tokens`, b),
  revokeToken: (id: string) => request<AdminToken>('DELETE', `${V1}/tokens/${encodeURIComponent(id)}`),
  audit: () => get<ListAnswer<{ id: string; at: string; actor: string; action: string; target: string; outcome: string }>>(`${V1}/audit`, { limit: 25 }, { fresh: true }),
}

// Routing, rule overrides and SLAs (admin). A save applies at once and changes what lists and
// summaries will show after the next detection run, so it drops the GET cache like any write.
export const settings = {
  get: () => get<SettingsAnswer>(`${V1}/settings`, undefined, { fresh: true }),
  /** With the version the editor loaded: a save over a newer one is refused (409 settings_changed). */
  save: async (b: Partial<SettingsBody>, version?: string) => {
    try {
      return await request<SettingsSaved>('PUT', `${V1}/settings`, { body: b, headers: version === undefined ? undefined : { 'If-Match': `"${version}"` } })
    } finally {
      invalidate()
    }
  },
  /** A read, though a POST (it carries a draft, with the drafted rule owners and severities the
   *  routes fall back to and match on): it changes nothing, so the cache stays. */
  preview: (routing: Route[], rules?: SettingsBody['rules']) => request<RoutePreview>('POST', `${V1}/settings/routing/preview`, { body: { routing, rules } }),
}

// The shapes of the API answers the dashboard reads (CONTRACT §3–§7). The exception and KPI
// routes answer through jsonExact (exact decimals), which hc<AppType> cannot see, so the types
// are written here once; sources, health and transactions are checked against the server's types in
// api-check.ts.

export type Role = 'executive' | 'ops' | 'finance' | 'admin'

export interface User {
  id?: string
  name: string
  email: string
  role: Role
}

export interface SessionAnswer {
  user: User
  via?: 'session' | 'token' | 'admin-token' | 'proxy'
  csrf_token?: string | null
}

export interface ListAnswer<T> {
  items: T[]
  next_cursor: string | null
}

export type Unit = 'ratio' | 'currency' | 'days' | 'hours'

export interface KpiDef {
  name: KpiName
  unit: Unit
  kind: string
  dims: string[]
  period: boolean
  title: string
  definition: string
  coverage: string
}

export type KpiName =
  | 'utilization'
  | 'unbilled_wip'
  | 'backlog'
  | 'billing_cycle_days'
  | 'pipeline_to_project_hours'
  | 'realization'
  | 'money_at_risk'

export interface KpiRow {
  group: string
  value: number | null
  numerator: number | null
  denominator: number | null
}

export interface KpiAnswer {
  kpi: KpiName
  unit: Unit
  value: number | null
  numerator: number | null
  denominator: number | null
  rows: KpiRow[]
  coverage: number | null
  from: string | null
  to: string | null
  as_of: string
  by: string | null
  n?: number
  p90?: number
}

export type Severity = 'critical' | 'high' | 'medium' | 'low'
export type ExceptionStatus = 'open' | 'acknowledged' | 'resolved'

export interface ExceptionItem {
  id: string
  rule: string
  entity_type: string
  entity_key: string
  systems: string[]
  severity: Severity
  owner: string
  status: ExceptionStatus
  resolution: 'auto' | 'manual' | null
  amount_at_risk: number | null
  currency: string | null
  practice: string | null
  region: string | null
  first_detected_at: string
  last_detected_at: string
  due_at: string | null
  overdue: boolean
  updated_at?: string | null
  resolved_at?: string | null
  details: Record<string, Record<string, unknown>>
}

export interface HistoryEvent {
  id?: string
  at: string
  type: string
  actor: string
  note: string | null
  owner: string | null
  due_at?: string | null
}

export interface ExceptionDetail extends ExceptionItem {
  history: HistoryEvent[]
  transactions: TransactionItem[]
}

export interface SummaryRow {
  group: string
  count: number
  amount_at_risk: number
  overdue: number
}

export interface SummaryAnswer extends ListAnswer<SummaryRow> {
  by: string
}

/** GET /exceptions/timeline: opened and resolved per week, money at risk at past instants. */
export interface TimelineAnswer {
  weeks: Array<{ week: string; opened: number; resolved: number }>
  money_at_risk: Array<{ at: string; amount_at_risk: number }>
}

export type TriageAction = 'assign' | 'acknowledge' | 'comment' | 'resolve' | 'reopen'

export interface BulkAnswer {
  action: TriageAction
  applied: number
  skipped: number
}

export interface TransactionItem {
  trace_id: string
  workflow: string | null
  entity_type: string | null
  entity_key: string | null
  status: 'ok' | 'failed'
  systems: string[]
  started_at: string | null
  duration_ms: number
  failed_step: string | null
  error_message: string | null
  attempt?: number
  spans?: number
}

export interface Span {
  span_id: string
  parent_span_id: string | null
  name: string
  kind?: string
  service: string
  started_at: string | null
  offset_ms: number
  duration_ms: number
  status: string
  status_message: string | null
  attributes: Record<string, unknown>
}

export interface TransactionDetail extends Omit<TransactionItem, 'spans'> {
  spans: Span[]
  exceptions: Array<{ id: string; rule: string; status: string; severity: string; owner: string; amount_at_risk: string | number }>
}

export interface HealthRow {
  workflow: string | null
  day: string | null
  transactions: number
  failed: number
  failure_rate: number
  p50_ms: number
  p95_ms: number
}

export interface SourceItem {
  system: string
  kind: string
  name: string
  batches: number
  last_batch: string | null
  last_entity: string | null
  last_observed_at: string | null
  last_received_at: string | null
  stale: boolean
  rejected: number
  entities: Record<string, { records: number; deleted: number }>
}

export interface HealthAnswer {
  status: string
  version: string
  demo: 'loading' | 'loaded' | 'failed' | null
  span_log: { segments_pending: number; segments_failing: number; segments_set_aside: number } | null
  sources: Array<{
    system: string
    kind: string
    last_observed_at: string | null
    batches: number
    age_seconds: number | null
    fresh: boolean
  }>
}

export interface DeadLetter {
  id: string
  system: string
  entity: string
  batch: string
  line: number
  key: string | null
  raw: string
  reason: string
  errors: Array<{ field: string; message: string }>
  observed_at: string | null
  received_at: string | null
  status: 'pending' | 'replayed'
  last_replay_at: string | null
  last_replay_error: string | null
}

export interface ReplayAnswer {
  replayed: number
  failed: number
}

export interface Notification {
  id: string
  owner: string
  event: string
  host: string
  status: 'delivered' | 'pending' | 'failed'
  attempts: number
  last_error: string | null
  created_at: string | null
}

/** Admin settings (GET/PUT /api/v1/settings): the first matching route names the owner. */
export interface RouteMatch {
  rule?: string
  severity?: Severity
  practice?: string
  region?: string
  system?: string
}

export interface Route {
  match: RouteMatch
  owner: string
}

/** Per rule, only what differs from the catalogue; thresholds are numbers named by the rule. */
export interface RuleOverride {
  enabled?: boolean
  severity?: Severity
  owner?: string
  [param: string]: number | string | boolean | undefined
}

export type SlaHours = Partial<Record<Severity, number>>

/** What PUT takes (each part sent replaces that part) and answers. */
export interface SettingsBody {
  routing: Route[]
  rules: Record<string, RuleOverride>
  sla_hours: SlaHours
}

export interface RuleDefault {
  severity: Severity
  owner: string
  finance: boolean
  params: Record<string, number>
  title: string
}

export interface OwnerInfo {
  id: string
  name: string
  type: 'team' | 'person'
  has_webhook: boolean
}

/** PUT /api/v1/settings: what is now in force, and its version. */
export interface SettingsSaved extends SettingsBody {
  /** '' until settings are first saved; send it back as If-Match so a stale save is refused. */
  version: string
  saved_by: string
}

export interface SettingsAnswer extends SettingsSaved {
  defaults: Record<string, RuleDefault>
  /** Hours per severity where sla_hours gives none. */
  sla_defaults: Record<Severity, number>
  owners: OwnerInfo[]
}

/** POST /api/v1/settings/routing/preview: which open (or acknowledged) exceptions each route would take. */
export interface RoutePreview {
  open: number
  unrouted: number
  owner_changes: number
  routes: Array<{ index: number; owner: string; count: number; amount_at_risk: number; sample: string[] }>
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown }
}

export type { CloseAnswer, Comparison, MatchCounts, MatchRow, MatchStatus, ReconciliationAnswer, ReconRecord } from './finance-types.ts'

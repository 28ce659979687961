// One typed function per API call the dashboard makes, through the typed client: requests and
// answers are the server's route schemas (server/routes/*.schema.ts), so a change there that
// the dashboard does not follow fails tsc here or where the answer is read.
import type { InferRequestType, InferResponseType } from 'hono/client'
import type { KpiName } from '../../server/kpis/catalog.ts'
import { answer, answerOrNull, client, NORMAL, URGENT, via, type Priority } from './api.ts'
import { noteCurrency } from './fx.ts'

const v1 = client.api.v1
const ex = v1.exceptions
const kpis = v1.kpis

type In<F> = InferRequestType<F>
type Out<F> = InferResponseType<F>

// Sign-in (CONTRACT §7).
export const auth = {
  login: (json: In<typeof v1.auth.login.$post>['json']) => answer(v1.auth.login.$post({ json }, via({ priority: URGENT }))),
  me: () => answer(v1.auth.me.$get(undefined, via({ priority: URGENT, fresh: true }))),
  logout: () => answer(v1.auth.logout.$post(undefined, via({ priority: URGENT, optional: true }))),
}

export type KpiQuery = In<(typeof kpis)[':name']['$get']>['query']

// Answers that name the reporting currency set the one money is shown in (lib/fx.ts).
export const kpi = (name: KpiName, query: KpiQuery, priority: Priority = NORMAL) =>
  answer(kpis[':name'].$get({ param: { name }, query }, via({ priority, ttlMs: 60_000 }))).then(noteCurrency)

export type KpiRecordsQuery = In<(typeof kpis)[':name']['records']['$get']>['query']
/** The records behind a KPI (gross_margin, forecast_accuracy, bench_capacity), a page at a time. */
export const kpiRecords = (name: KpiName, query: KpiRecordsQuery, priority: Priority = NORMAL) =>
  answer(kpis[':name'].records.$get({ param: { name }, query }, via({ priority, ttlMs: 30_000 })))

export type ForecastWeeklyQuery = In<typeof kpis.forecast_accuracy.weekly.$get>['query']
/** Planned vs actual hours per ISO week, for a practice, a project or the firm. */
export const forecastWeekly = (query: ForecastWeeklyQuery, priority: Priority = NORMAL) =>
  answer(kpis.forecast_accuracy.weekly.$get({ query }, via({ priority, ttlMs: 60_000 })))

export type ExceptionQuery = In<typeof ex.$get>['query']
export type SummaryQuery = Omit<In<typeof ex.summary.$get>['query'], 'by'>
export type SummaryBy = In<typeof ex.summary.$get>['query']['by']

export const exceptionList = (query: ExceptionQuery, fresh = false, priority: Priority = NORMAL) => answer(ex.$get({ query }, via({ ttlMs: 5_000, fresh, priority })))

export const exceptionSummary = (by: SummaryBy, query: SummaryQuery = {}, fresh = false) =>
  answer(ex.summary.$get({ query: { ...query, by } }, via({ ttlMs: 10_000, fresh })))

/** Opened/resolved per week over `weeks` weeks, and money at risk at each of `at`. */
export const exceptionTimeline = (weeks: number, at: string[] = [], priority: Priority = NORMAL) =>
  answer(ex.timeline.$get({ query: { weeks: String(weeks), at } }, via({ ttlMs: 30_000, priority })))

export const exceptionDetail = (id: string) => answer(ex[':id'].$get({ param: { id } }, via({ fresh: true })))

export type ActionBody = In<(typeof ex)[':id']['actions']['$post']>['json']

/** One triage action; `key` is its idempotency key, the same on a retry of the same user action. */
export const actOn = (id: string, json: ActionBody, key?: string) =>
  answer(ex[':id'].actions.$post({ param: { id }, header: key ? { 'idempotency-key': key } : {}, json }, via()))

export const actOnMany = (ids: string[], b: ActionBody, key?: string) =>
  answer(ex.actions.$post({ header: key ? { 'idempotency-key': key } : {}, json: { ids, ...b } }, via()))

export type TransactionQuery = In<typeof v1.transactions.$get>['query']
export const transactionList = (query: TransactionQuery) => answer(v1.transactions.$get({ query }, via({ ttlMs: 10_000 })))

type HealthQuery = In<typeof v1.transactions.health.$get>['query']
export const transactionHealth = (by: NonNullable<HealthQuery['by']>, query: Omit<HealthQuery, 'by'> = {}) =>
  answer(v1.transactions.health.$get({ query: { ...query, by } }, via({ ttlMs: 30_000 })))

export const transactionDetail = (traceId: string) => answer(v1.transactions[':traceId'].$get({ param: { traceId } }, via({ ttlMs: 60_000 })))

export const sources = (fresh = false) => answer(v1.sources.$get({ query: {} }, via({ fresh })))

const src = v1.sources[':system']
export type PullMode = NonNullable<In<typeof src.pull.$post>['query']['mode']>
// Connector pulls (CONTRACT §8; admin): start one now, list a source's runs, follow one run.
export const connectors = {
  /** 202 {run_id}: the pull started (or the one already running). */
  pull: (system: string, mode: PullMode) => answer(src.pull.$post({ param: { system }, query: { mode } }, via())),
  runs: (system: string, limit = 10) => answer(src.runs.$get({ param: { system }, query: { limit } }, via({ fresh: true }))),
  run: (system: string, runId: string) => answer(src.runs[':run_id'].$get({ param: { system, run_id: runId } }, via({ fresh: true }))),
}

/** Unauthenticated: freshness per source for every role, executives included. */
export const health = (fresh = false) => answer(v1.health.$get(undefined, via({ ttlMs: 15_000, fresh })))

export type DeadLetterQuery = In<(typeof v1)['dead-letters']['$get']>['query']
export const deadLetters = (query: DeadLetterQuery) => answer(v1['dead-letters'].$get({ query }, via({ ttlMs: 0, fresh: true })))

export const replay = (items: In<(typeof v1)['dead-letters']['replay']['$post']>['json']['items']) => answer(v1['dead-letters'].replay.$post({ json: { items } }, via()))

export const notifications = () => answer(v1.notifications.$get({ query: { limit: 50 } }, via({ fresh: true })))

export type NotifyChannel = In<typeof v1.notifications.test.$post>['json']['channel']
/** "Send test" (admin): one message to one channel of an owner, with the settings in force. */
export const notificationTest = (owner: string, channel: NotifyChannel) => answer(v1.notifications.test.$post({ json: { owner, channel } }, via()))

export type NewSubscription = In<typeof v1.subscriptions.$post>['json']
// Subscriptions to saved views (the caller's own; an admin gets everyone's).
export const subscriptions = {
  list: () => answer(v1.subscriptions.$get(undefined, via({ fresh: true }))),
  create: (json: NewSubscription) => answer(v1.subscriptions.$post({ json }, via())),
  remove: (id: string) => answer(v1.subscriptions[':id'].$delete({ param: { id } }, via())),
}

export const detect = (asOf?: string) => answer(v1.detect.$post({ query: { as_of: asOf } }, via()))

export type ReconciliationQuery = In<typeof v1.reconciliation.$get>['query']
/** The system-pair match matrix; null on 404 (a server without reconciliation). */
export const reconciliation = (query: ReconciliationQuery) =>
  answerOrNull(v1.reconciliation.$get({ query }, via({ optional: true, ttlMs: 30_000 }))).then((a) => a && noteCurrency(a))

export type RecordQuery = In<typeof v1.reconciliation.records.$get>['query']
export const reconciliationRecords = (query: RecordQuery) => answer(v1.reconciliation.records.$get({ query }, via({ ttlMs: 15_000 })))

export const closeReadiness = (month: string) =>
  answerOrNull(v1.close.$get({ query: { month } }, via({ optional: true, ttlMs: 30_000 }))).then((a) => a && noteCurrency(a))

/** Export URLs, with the list's own filters. */
export const exportUrl = {
  exceptions: (format: 'csv' | 'xlsx', query: ExceptionQuery) => v1.exports[`exceptions.${format}`].$path({ query }),
  reconciliation: (format: 'csv' | 'xlsx', query: RecordQuery) => v1.exports[`reconciliation.${format}`].$path({ query }),
}

export const admin = {
  users: () => answer(v1.users.$get(undefined, via({ fresh: true }))),
  createUser: (json: In<typeof v1.users.$post>['json']) => answer(v1.users.$post({ json }, via())),
  updateUser: (id: string, json: In<(typeof v1.users)[':id']['$patch']>['json']) => answer(v1.users[':id'].$patch({ param: { id }, json }, via())),
  tokens: () => answer(v1.tokens.$get(undefined, via({ fresh: true }))),
  createToken: (json: In<typeof v1.tokens.$post>['json']) => answer(v1.tokens.$post({ json }, via())),
  revokeToken: (id: string) => answer(v1.tokens[':id'].$delete({ param: { id } }, via())),
  audit: () => answer(v1.audit.$get({ query: { limit: 25 } }, via({ fresh: true }))),
}

export type SettingsChange = In<typeof v1.settings.$put>['json']

// Routing, rule overrides and SLAs (admin). A save applies at once and changes what lists and
// summaries will show after the next detection run, so it drops the GET cache like any write.
export const settings = {
  get: () => answer(v1.settings.$get(undefined, via({ fresh: true }))),
  /** With the version the editor loaded: a save over a newer one is refused (409 settings_changed). */
  save: (json: SettingsChange, version?: string) =>
    answer(v1.settings.$put({ json, header: { 'if-match': version === undefined ? undefined : `"${version}"` } }, via())),
  /** A read, though a POST (it carries a draft, with the drafted rule owners and severities the
   *  routes fall back to and match on): it changes nothing, so the cache stays. */
  preview: (routing: Route[], rules?: RuleOverrides) => answer(v1.settings.routing.preview.$post({ json: { routing, rules } }, via({ read: true }))),
}

// The answers the dashboard reads, named once for the components that take them as props.
export type SessionAnswer = Out<typeof v1.auth.me.$get>
export type User = SessionAnswer['user']
export type Role = User['role']
// KPI and rule names are the catalogues' (server/kpis/catalog.ts, server/rules/catalog.ts).
export type { KpiName } from '../../server/kpis/catalog.ts'
export type Unit = KpiAnswer['unit']
/** GET /kpis: the catalogue as the API publishes it (the dashboard imports it instead). */
export type KpiDef = Out<typeof kpis.$get>['items'][number]
export type KpiAnswer = Out<(typeof kpis)[':name']['$get']>
export type KpiRow = KpiAnswer['rows'][number]
export type KpiRecord = Out<(typeof kpis)[':name']['records']['$get']>['items'][number]
export type ForecastWeek = Out<typeof kpis.forecast_accuracy.weekly.$get>['items'][number]
export type ExceptionItem = Out<typeof ex.$get>['items'][number]
export type ExceptionDetail = Out<(typeof ex)[':id']['$get']>
export type HistoryEvent = ExceptionDetail['history'][number]
export type TriageAction = ActionBody['action']
export type SummaryAnswer = Out<typeof ex.summary.$get>
export type TransactionItem = Out<typeof v1.transactions.$get>['items'][number]
export type TransactionDetail = Out<(typeof v1.transactions)[':traceId']['$get']>
export type Span = TransactionDetail['spans'][number]
export type HealthRow = Out<typeof v1.transactions.health.$get>['items'][number]
export type SourceItem = Out<typeof v1.sources.$get>['items'][number]
export type ConnectorStatus = NonNullable<SourceItem['connector']>
export type ConnectorRun = Out<typeof src.runs.$get>['items'][number]
export type DeadLetter = Out<(typeof v1)['dead-letters']['$get']>['items'][number]
export type ReconciliationAnswer = Out<typeof v1.reconciliation.$get>
export type ReconRecord = Out<typeof v1.reconciliation.records.$get>['items'][number]
export type MatchStatus = ReconRecord['status']
export type CloseAnswer = Out<typeof v1.close.$get>
export type SettingsAnswer = Out<typeof v1.settings.$get>
export type SubscriptionItem = Out<typeof v1.subscriptions.$get>['items'][number]
export type RoutePreview = Out<typeof v1.settings.routing.preview.$post>
export type MatchRow = Extract<ReconciliationAnswer['items'][number], { records: number }>
/** The comparisons in total (an answer without `by` has only these). */
export const totals = (a: ReconciliationAnswer) => a.items.filter((i): i is MatchRow => 'records' in i)
export type Route = SettingsAnswer['routing'][number]
export type RouteMatch = Route['match']
export type RuleOverrides = SettingsAnswer['rules']
export type RuleOverride = NonNullable<RuleOverrides[keyof RuleOverrides]>
export type SlaHours = SettingsAnswer['sla_hours']
export type SettingsBody = Pick<SettingsAnswer, 'routing' | 'rules' | 'sla_hours'> & { reporting_currency?: string }
export type RuleDefault = SettingsAnswer['defaults'][keyof SettingsAnswer['defaults']]
export type { Severity } from '../../server/rules/catalog.ts'

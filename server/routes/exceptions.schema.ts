// The exception routes' contract (CONTRACT §4): the list with its filters and sorts, summaries,
// the overview's timeline, one exception with its history, and triage, single and bulk.
import { createRoute } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import { badRequest } from '../lib/errors.ts'
import { answers, cursor, date, dateTime, decimal, flag, limit, list, listAnswer, z } from '../http/schemas.ts'
import { RULE_NAMES, SEVERITIES, type RuleName } from '../rules/catalog.ts'
import { ACTIONS, MAX_SNOOZE_DAYS } from '../exceptions/actions.ts'
import { EVENT_TYPES, SORTS, SUMMARY_DIMENSIONS, type ExceptionFilter } from '../exceptions/repository.ts'
import { answersAnd, errorOf } from './auth.schema.ts'
import { oneOf } from './reconciliation.schema.ts'
import { Transaction } from './transactions.schema.ts'

export const STATUSES = ['open', 'acknowledged', 'resolved'] as const
const RULES = RULE_NAMES as [RuleName, ...RuleName[]]
const int = z.number().int()

/** The list's filters; the summary, bulk triage and the exports take them too. */
export const exceptionFilters = {
  rule: oneOf(RULES),
  status: oneOf([...STATUSES, 'all']).openapi({ description: 'Default: open and acknowledged. `all`: every status.' }),
  owner: list(),
  severity: oneOf(SEVERITIES),
  system: list().openapi({ description: 'Exceptions involving any of these systems.' }),
  practice: list(),
  region: list(),
  entity_type: list(),
  entity_key: z.string().optional(),
  q: z.string().optional().openapi({ description: 'Text in the entity key or the details, any case.' }),
  overdue: flag.openapi({ description: 'Due before now and not resolved (true), or not (false).' }),
  snoozed: z
    .enum(['true', 'false', 'any'], { error: 'expected true, false or any' })
    .optional()
    .openapi({ description: 'Snoozed ones only (true), none snoozed (false, the default: a snoozed exception leaves the list until its time, or until its amount at risk grows), or either (any).' }),
}

const filterObject = z.object(exceptionFilters)

/** The filters as the repository takes them: an empty list filters nothing, `all` every status. */
export function toFilter(q: Partial<z.output<typeof filterObject>>): ExceptionFilter {
  const some = (v: string[] | undefined) => (v?.length ? v : undefined)
  return {
    status: q.status?.includes('all') ? [] : some(q.status),
    rule: some(q.rule),
    owner: some(q.owner),
    severity: some(q.severity),
    system: some(q.system),
    practice: some(q.practice),
    region: some(q.region),
    entity_type: some(q.entity_type),
    entity_key: q.entity_key,
    q: q.q,
    overdue: q.overdue,
    snoozed: q.snoozed === 'any' ? 'any' : q.snoozed === 'true',
  }
}

const SORT_NAMES = [...SORTS, 'age', 'due', 'amount'] as const
type SortValue = (typeof SORT_NAMES)[number] | `-${(typeof SORT_NAMES)[number]}`
const SORT_VALUES = SORT_NAMES.flatMap((s): SortValue[] => [s, `-${s}`]) as [SortValue, ...SortValue[]]

export const sort = z
  .enum(SORT_VALUES, { error: `expected one of ${SORT_VALUES.join(', ')}` })
  .default('-amount_at_risk')
  .openapi({ description: '`-` for descending. age: oldest first (first_detected_at); due: due_at; amount (amount_at_risk): amount_at_risk_reporting, those without one last.' })

/** A sort value as the repository takes it. */
export function toSort(s: SortValue) {
  const name = s.replace(/^-/, '')
  const alias: Record<string, (typeof SORTS)[number]> = { age: 'first_detected_at', due: 'due_at', amount: 'amount_at_risk' }
  return { sort: alias[name] ?? (name as (typeof SORTS)[number]), desc: s.startsWith('-') }
}

/** Instants, repeated or comma-separated (ISO times have no commas). */
const instants = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')))
  .pipe(z.array(dateTime).max(48, { error: 'at most 48 instants' }))
  .optional()
  .openapi({ type: 'array', items: { type: 'string', format: 'date-time' }, maxItems: 48, description: 'Instants to sum money at risk at. Repeat the parameter or separate by commas.' })

const item = {
  id: z.string(),
  rule: z.enum(RULES),
  entity_type: z.string(),
  entity_key: z.string(),
  systems: z.array(z.string()),
  severity: z.enum(SEVERITIES),
  owner: z.string().openapi({ description: 'A team id or an email.' }),
  status: z.enum(STATUSES),
  resolution: z.enum(['manual', 'auto']).nullable().openapi({ description: 'Resolved by a person, or by a run that no longer found it; null unless resolved.' }),
  amount_at_risk: decimal.openapi({ description: 'In the currency of its record (`currency`).' }),
  currency: z.string(),
  amount_at_risk_reporting: decimal.nullable().openapi({
    description: 'amount_at_risk in the reporting currency (CONTRACT §5 Currency), converted when detected; null when no rate applies. Sorting by amount and the summaries use it.',
  }),
  reporting_currency: z.string().openapi({ description: 'The reporting currency amount_at_risk_reporting is in.' }),
  practice: z.string().nullable(),
  region: z.string().nullable(),
  first_detected_at: dateTime,
  last_detected_at: dateTime,
  due_at: dateTime.nullable(),
  overdue: z.boolean(),
  updated_at: dateTime,
  resolved_at: dateTime.nullable(),
  snoozed_until: dateTime.nullable().openapi({ description: 'While snoozed: when it comes back (sooner if its amount at risk grows); else null.' }),
  details: z.record(z.string(), z.record(z.string(), z.any())).openapi({ description: 'Per system (or `value`), the values the rule compared.' }),
}

export const ExceptionItem = z.strictObject(item).openapi('ExceptionItem')

export const ExceptionEvent = z
  .strictObject({
    id: z.uuid(),
    at: dateTime,
    type: z.enum(EVENT_TYPES),
    actor: z.string().openapi({ description: '`crosswalk` for detection runs, else the person or token.' }),
    note: z.string().nullable(),
    owner: z.string().nullable().openapi({ description: 'assigned: the new owner.' }),
    run_id: z.string().nullable().openapi({ description: 'The detection run of opened, reopened and auto_resolved.' }),
    due_at: dateTime.nullable().openapi({ description: 'opened and reopened: the due date from the severity SLA.' }),
    snoozed_until: dateTime.nullable().openapi({ description: 'snoozed: until when.' }),
  })
  .openapi('ExceptionEvent')

// Whole objects, not .extend(): extending a named schema publishes allOf of two closed objects,
// which no answer satisfies.
const history = z.array(ExceptionEvent).openapi({ description: 'Every event, oldest first.' })

export const ExceptionWithHistory = z.strictObject({ ...item, history }).openapi('ExceptionWithHistory')

export const ExceptionDetail = z
  .strictObject({ ...item, history, transactions: z.array(Transaction).openapi({ description: 'Transactions of the same entity (at most 50).' }) })
  .openapi('ExceptionDetail')

export const ExceptionSummary = z
  .strictObject({
    by: z.enum(SUMMARY_DIMENSIONS),
    items: z.array(
      z.strictObject({
        group: z.string().openapi({ description: 'The value of `by`; `(none)` for no practice or region; age buckets 0-1d, 2-7d, 8-30d, 31d+; overdue or on time.' }),
        count: int,
        amount_at_risk: decimal,
        overdue: int.openapi({ description: 'How many of them are overdue.' }),
      }),
    ),
    next_cursor: z.null(),
  })
  .openapi('ExceptionSummary')

export const ExceptionTimeline = z
  .strictObject({
    weeks: z.array(z.strictObject({ week: date.openapi({ description: 'The Monday (UTC) the week starts on.' }), opened: int, resolved: int })),
    money_at_risk: z.array(z.strictObject({ at: dateTime, amount_at_risk: decimal })),
  })
  .openapi('ExceptionTimeline')

const requestKey = z.string().min(1, { error: 'an idempotency key is 1 to 200 characters' }).max(200, { error: 'an idempotency key is 1 to 200 characters' })

/** Idempotency-Key: the same key from the same actor within 24 hours answers as the first time and writes nothing. */
const triageHeaders = z.object({
  'idempotency-key': requestKey.optional().openapi({
    description: 'A key per user action (a UUID), sent again on a retry: a request resent with a key the same actor used in the last 24 hours writes nothing and answers as the first one.',
  }),
})

const idempotencyErrors = { 422: errorOf('idempotency_key_reused: the key was used for another action.') }

const triage = {
  action: z.enum(ACTIONS, { error: `expected one of ${ACTIONS.join(', ')}` }),
  owner: z.string().max(320).optional().openapi({ description: 'assign: the new owner, a team id or an email.' }),
  note: z.string().max(10_000).optional().openapi({ description: 'Required to resolve and to comment.' }),
  until: z.string().max(64).optional().openapi({
    description: `snooze: until when, a datetime (ISO-8601 with Z or an offset) or a date (the start of that day, UTC); in the future, at most ${MAX_SNOOZE_DAYS} days away.`,
    example: '2026-07-01',
  }),
  request_id: requestKey.optional().openapi({ description: 'An idempotency key, as the Idempotency-Key header (which wins).' }),
}

export const TriageAction = z.strictObject(triage).openapi('TriageAction')

export const BulkTriageAction = z
  .strictObject({
    ...triage,
    ids: z.array(z.string().max(64)).max(100_000).optional(),
    filter: z.strictObject(exceptionFilters).optional().openapi({ description: 'The list filters: act on every exception they match.' }),
  })
  .openapi('BulkTriageAction')

export const BulkTriageAnswer = z
  .strictObject({
    action: z.enum(ACTIONS),
    applied: int,
    skipped: int,
    results: z.strictObject({
      applied: z.array(z.string()),
      skipped: z.array(z.strictObject({ id: z.string(), reason: z.string() })),
    }),
  })
  .openapi('BulkTriageAnswer')

/**
 * A JSON body read as before the contract: whatever its Content-Type (curl -d sends a form
 * type), and one that is not JSON is a 400 bad_json. The validators read only a body that says
 * it is JSON, and their own refusals are HTTPExceptions (answered as a bare 500).
 */
export function readsBody(required: boolean) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const text = await c.req.text()
    const blank = !text.trim()
    if (blank ? required : !isJson(text)) throw badRequest('bad_json', 'The request body must be a JSON object.')
    const headers = new Headers(c.req.raw.headers)
    if (blank) headers.delete('content-type')
    else headers.set('content-type', 'application/json')
    c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: blank ? null : text })
    await next()
  })
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const id = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '5f0c3e9a1b2d4c6e8f0a1b2c' }) })

export const listing = createRoute({
  method: 'get',
  path: '/',
  summary: 'Exceptions, filtered and sorted',
  request: { query: z.strictObject({ ...exceptionFilters, sort, limit: limit(50, 10_000), cursor }) },
  responses: answers(listAnswer(ExceptionItem).strict(), 'A page of exceptions'),
})

export const summary = createRoute({
  method: 'get',
  path: '/summary',
  summary: 'Counts and money at risk by a dimension',
  request: {
    query: z.strictObject({
      by: z.enum(SUMMARY_DIMENSIONS, { error: `expected one of ${SUMMARY_DIMENSIONS.join(', ')}` }).default('rule'),
      status: exceptionFilters.status,
      rule: exceptionFilters.rule,
      owner: exceptionFilters.owner,
      severity: exceptionFilters.severity,
      snoozed: exceptionFilters.snoozed,
    }),
  },
  responses: answers(ExceptionSummary, 'One row per group, most money at risk first'),
})

export const timeline = createRoute({
  method: 'get',
  path: '/timeline',
  summary: 'Opened and resolved per week, and money at risk at past instants',
  request: { query: z.strictObject({ weeks: limit(8, 104).openapi({ description: 'How many weeks, the current one last.' }), at: instants }) },
  responses: answers(ExceptionTimeline, 'The weeks, oldest first, and money at risk at each instant'),
})

export const bulkAction = createRoute({
  method: 'post',
  path: '/actions',
  summary: 'Triage many exceptions: by ids, by the list filters, or both',
  middleware: [readsBody(true)] as const,
  request: { headers: triageHeaders, body: { required: true, content: { 'application/json': { schema: BulkTriageAction } } } },
  responses: answersAnd(BulkTriageAnswer, 'What was applied and what was skipped, with the reason', idempotencyErrors),
})

export const detail = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'One exception with its history and the transactions of its entity',
  request: { params: id },
  responses: answers(ExceptionDetail, 'The exception'),
})

export const action = createRoute({
  method: 'post',
  path: '/{id}/actions',
  summary: 'Triage one exception: assign, acknowledge, comment, resolve, reopen, snooze, unsnooze',
  middleware: [readsBody(true)] as const,
  request: { params: id, headers: triageHeaders, body: { required: true, content: { 'application/json': { schema: TriageAction } } } },
  responses: answersAnd(ExceptionWithHistory, 'The exception after the action, with its history', {
    409: errorOf("The action does not apply to the exception's status."),
    ...idempotencyErrors,
  }),
})

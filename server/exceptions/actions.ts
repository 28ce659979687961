// Triage (CONTRACT §4): assign, acknowledge, comment, resolve with a note, reopen, snooze until a
// time and unsnooze. Each is an appended event with who and when; an action that does not apply
// to an exception's current state is skipped with the reason, never forced. A request may carry
// an idempotency key: resent by the same actor within a day, it answers as before, writing nothing.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { arrivalMicros, microsToCh, parseDatetime, toChDateTime } from '../lib/time.ts'
import { isCalendarDate } from '../model/fields.ts'
import { AppError, badRequest } from '../lib/errors.ts'

export const ACTIONS = ['assign', 'acknowledge', 'comment', 'resolve', 'reopen', 'snooze', 'unsnooze'] as const
export type Action = (typeof ACTIONS)[number]

const EVENT: Record<Action, string> = {
  assign: 'assigned',
  acknowledge: 'acknowledged',
  comment: 'commented',
  resolve: 'resolved',
  reopen: 'reopen',
  snooze: 'snoozed',
  unsnooze: 'unsnoozed',
}

/** Which statuses each action applies to. */
const ALLOWED: Record<Action, string[]> = {
  assign: ['open', 'acknowledged'],
  acknowledge: ['open'],
  comment: ['open', 'acknowledged', 'resolved'],
  resolve: ['open', 'acknowledged'],
  reopen: ['resolved'],
  snooze: ['open', 'acknowledged'],
  unsnooze: ['open', 'acknowledged'],
}

/** The longest snooze: further out, it is a resolution, not a snooze. */
export const MAX_SNOOZE_DAYS = 365
/** How long a request's idempotency key is remembered. */
export const REQUEST_KEY_MS = 24 * 3_600_000

export interface ActionInput {
  action: Action
  owner?: string
  note?: string
  /** snooze: a datetime, or a date (the start of that day, UTC). */
  until?: string
}

export interface ActionOptions {
  /** The server's clock: a snooze must end after it; request keys are remembered a day from it. */
  now?: Date
  /** The request's idempotency key (Idempotency-Key header or request_id). */
  requestId?: string
  /** Called with what is about to be written, before it is (the route's audit record: if that fails, nothing is written). */
  beforeWrite?: (r: ActionResult) => Promise<void>
}

export interface ActionResult {
  applied: string[]
  skipped: Array<{ id: string; reason: string }>
  /** A resent request: the events of the first one stand, nothing was written. */
  replayed?: boolean
}

interface State {
  id: string
  rule: string
  status: string
  owner: string
  amount_at_risk: string
  amount_at_risk_reporting: string | null
  snoozed_until: string | null
}

/** The end of a snooze: a date is the start of that day (UTC); in the future, within a year. */
export function snoozeEnd(until: string | undefined, now: Date): Date {
  if (!until?.trim()) throw badRequest('bad_parameter', 'snooze needs until: a date (YYYY-MM-DD) or a datetime (ISO-8601 with Z or an offset).')
  const text = until.trim()
  const end = isCalendarDate(text) ? new Date(`${text}T00:00:00.000Z`) : parseDatetime(text)
  if (!end) throw badRequest('bad_parameter', `until: ${JSON.stringify(text)} is not a date (YYYY-MM-DD) or a datetime (ISO-8601 with Z or an offset).`)
  if (end.getTime() <= now.getTime()) throw badRequest('bad_parameter', `until: ${end.toISOString()} is not in the future (now is ${now.toISOString()}).`)
  if (end.getTime() > now.getTime() + MAX_SNOOZE_DAYS * 86_400_000)
    throw badRequest('bad_parameter', `until: ${end.toISOString()} is more than ${MAX_SNOOZE_DAYS} days away; snooze for at most ${MAX_SNOOZE_DAYS} days.`)
  return end
}

export function checkInput(a: ActionInput, now = new Date()): void {
  if (a.action === 'assign' && !a.owner?.trim()) throw badRequest('bad_parameter', 'assign needs an owner (a team id or an email).')
  if ((a.action === 'resolve' || a.action === 'comment') && !a.note?.trim())
    throw badRequest('bad_parameter', `${a.action} needs a note saying ${a.action === 'resolve' ? 'how it was resolved' : 'something'}.`)
  if (a.action === 'snooze') snoozeEnd(a.until, now)
}

/** Why an action does not apply to an exception, or null when it does. */
function skipReason(s: State | undefined, a: ActionInput, mayTriage: (rule: string) => boolean): string | null {
  if (!s) return 'no such exception'
  if (!mayTriage(s.rule)) return `your role may not triage ${s.rule} exceptions`
  if (!ALLOWED[a.action].includes(s.status)) return `cannot ${a.action} an exception that is ${s.status}`
  if (a.action === 'assign' && s.owner === a.owner) return `already owned by ${a.owner}`
  if (a.action === 'unsnooze' && !s.snoozed_until) return 'not snoozed'
  return null
}

function eventOf(s: State, a: ActionInput, actor: string, now: Date, requestId: string) {
  const snooze = a.action === 'snooze'
  return {
    event_id: crypto.randomUUID(),
    exception_id: s.id,
    at: microsToCh(arrivalMicros()),
    type: EVENT[a.action],
    actor,
    note: a.note?.trim() ?? '',
    owner: a.action === 'assign' ? a.owner!.trim() : '',
    run_id: '',
    snoozed_until: snooze ? toChDateTime(snoozeEnd(a.until, now)) : null,
    snoozed_amount: snooze ? s.amount_at_risk : null,
    snoozed_amount_reporting: snooze ? s.amount_at_risk_reporting : null,
    request_id: requestId,
  }
}

// One request key at a time in this process: a resend racing its original waits for it.
const inFlight = new Map<string, Promise<unknown>>()

async function oneAtATime<T>(key: string | null, fn: () => Promise<T>): Promise<T> {
  if (!key) return fn()
  while (inFlight.has(key)) await inFlight.get(key)!.catch(() => undefined)
  const p = fn()
  inFlight.set(key, p)
  try {
    return await p
  } finally {
    inFlight.delete(key)
  }
}

export async function applyAction(
  db: Db,
  ids: string[],
  a: ActionInput,
  actor: string,
  /** Whether the caller may triage exceptions of this rule (auth/policy.ts canTriage). */
  mayTriage: (rule: string) => boolean = () => true,
  o: ActionOptions = {},
): Promise<ActionResult> {
  const now = o.now ?? new Date()
  checkInput(a, now)
  const requestId = o.requestId ?? ''
  return oneAtATime(requestId ? `${actor}\u0000${requestId}` : null, async () => {
    const unique = [...new Set(ids)]
    const rows = await queryRows<State>(db, 'exceptions.action_state', sqlFile('exceptions/action_state.sql'), { ids: unique, now: toChDateTime(now) }, { join_use_nulls: 1 })
    const state = new Map(rows.map((r) => [r.id, r]))
    const earlier = requestId ? await priorEvents(db, requestId, actor, now) : []
    if (earlier.length) return replay(earlier, unique, state, a, mayTriage)
    const result: ActionResult = { applied: [], skipped: [] }
    const events: object[] = []
    for (const id of unique) {
      const reason = skipReason(state.get(id), a, mayTriage)
      if (reason) result.skipped.push({ id, reason })
      else {
        events.push(eventOf(state.get(id)!, a, actor, now, requestId))
        result.applied.push(id)
      }
    }
    if (events.length) await o.beforeWrite?.(result)
    await insertRows(db, 'exception_events', events)
    return result
  })
}

async function priorEvents(db: Db, requestId: string, actor: string, now: Date) {
  const since = toChDateTime(new Date(now.getTime() - REQUEST_KEY_MS))
  return queryRows<{ exception_id: string; type: string }>(db, 'exceptions.by_request', sqlFile('exceptions/by_request.sql'), { request_id: requestId, actor, since })
}

/** The answer of a request already carried out: what it applied, and why the rest was not. */
function replay(earlier: Array<{ exception_id: string; type: string }>, ids: string[], state: Map<string, State>, a: ActionInput, mayTriage: (rule: string) => boolean): ActionResult {
  if (earlier.some((e) => e.type !== EVENT[a.action]))
    throw new AppError(422, 'idempotency_key_reused', `This Idempotency-Key was used for another action (${earlier[0].type}) in the last 24 hours; send a new key for a new request.`)
  // Applied: every exception the first request wrote for (a filter may no longer match them).
  const done = [...new Set(earlier.map((e) => e.exception_id))]
  const skipped = ids.filter((id) => !done.includes(id)).map((id) => ({ id, reason: skipReason(state.get(id), a, mayTriage) ?? 'not applied by the original request' }))
  return { applied: done, skipped, replayed: true }
}

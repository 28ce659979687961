// Triage (CONTRACT §4): assign, acknowledge, comment, resolve with a note, reopen. Each is an
// appended event with who and when; an action that does not apply to an exception's current
// status is skipped with the reason, never forced.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { badRequest } from '../lib/errors.ts'

export const ACTIONS = ['assign', 'acknowledge', 'comment', 'resolve', 'reopen'] as const
export type Action = (typeof ACTIONS)[number]

const EVENT: Record<Action, string> = {
  assign: 'assigned',
  acknowledge: 'acknowledged',
  comment: 'commented',
  resolve: 'resolved',
  reopen: 'reopen',
}

/** Which statuses each action applies to. */
const ALLOWED: Record<Action, string[]> = {
  assign: ['open', 'acknowledged'],
  acknowledge: ['open'],
  comment: ['open', 'acknowledged', 'resolved'],
  resolve: ['open', 'acknowledged'],
  reopen: ['resolved'],
}

export interface ActionInput {
  action: Action
  owner?: string
  note?: string
}

export interface ActionResult {
  applied: string[]
  skipped: Array<{ id: string; reason: string }>
}

export function checkInput(a: ActionInput): void {
  if (a.action === 'assign' && !a.owner?.trim()) throw badRequest('bad_parameter', 'assign needs an owner (a team id or an email).')
  if ((a.action === 'resolve' || a.action === 'comment') && !a.note?.trim())
    throw badRequest('bad_parameter', `${a.action} needs a note saying ${a.action === 'resolve' ? 'how it was resolved' : 'something'}.`)
}

export async function applyAction(
  db: Db,
  ids: string[],
  a: ActionInput,
  actor: string,
  /** Whether the caller may triage exceptions of this rule (auth/policy.ts canTriage). */
  mayTriage: (rule: string) => boolean = () => true,
): Promise<ActionResult> {
  checkInput(a)
  const unique = [...new Set(ids)]
  const rows = await queryRows<{ id: string; rule: string; status: string; owner: string }>(
    db,
    'exceptions.action_state',
    sqlFile('exceptions/action_state.sql'),
    { ids: unique },
    { join_use_nulls: 1 },
  )
  const state = new Map(rows.map((r) => [r.id, r]))
  const result: ActionResult = { applied: [], skipped: [] }
  const events: object[] = []
  for (const id of unique) {
    const s = state.get(id)
    if (!s) {
      result.skipped.push({ id, reason: 'no such exception' })
      continue
    }
    if (!mayTriage(s.rule)) {
      result.skipped.push({ id, reason: `your role may not triage ${s.rule} exceptions` })
      continue
    }
    if (!ALLOWED[a.action].includes(s.status)) {
      result.skipped.push({ id, reason: `cannot ${a.action} an exception that is ${s.status}` })
      continue
    }
    if (a.action === 'assign' && s.owner === a.owner) {
      result.skipped.push({ id, reason: `already owned by ${a.owner}` })
      continue
    }
    events.push({
      event_id: crypto.randomUUID(),
      exception_id: id,
      at: microsToCh(arrivalMicros()),
      type: EVENT[a.action],
      actor,
      note: a.note?.trim() ?? '',
      owner: a.action === 'assign' ? a.owner!.trim() : '',
      run_id: '',
    })
    result.applied.push(id)
  }
  await insertRows(db, 'exception_events', events)
  return result
}

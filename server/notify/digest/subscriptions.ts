// Subscriptions to saved views of the exception list: who gets which view's matches, on which
// channel, how often. Every change is a new row (the newest wins); nothing is edited in place.
import crypto from 'node:crypto'
import type { Db } from '../../db/client.ts'
import { insertRows, queryRows } from '../../db/query.ts'
import { sqlFile } from '../../db/sql-files.ts'
import { arrivalMicros, chToIso, microsToCh, toChDateTime } from '../../lib/time.ts'
import { badRequest } from '../../lib/errors.ts'
import { listing, toFilter, toSort } from '../../routes/exceptions.schema.ts'
import type { ExceptionFilter } from '../../exceptions/repository.ts'
import type { Weekday } from './schedule.ts'

export const SUBSCRIPTION_CHANNELS = ['email', 'slack'] as const
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number]

export interface Subscription {
  id: string
  user_id: string
  name: string
  /** The saved view: the query string GET /api/v1/exceptions takes, without the `?`. */
  query: string
  channel: SubscriptionChannel
  /** The e-mail address or the Slack incoming webhook URL. */
  target: string
  frequency: 'daily' | 'weekly'
  local_time: string
  time_zone: string
  weekday: Weekday
  created_at: string
}

type Row = Omit<Subscription, 'created_at'> & { created_at: string; deleted: boolean | number }

/** The list route's own query schema: a view is valid exactly when the list would take it. */
const viewSchema = listing.request.query

export interface ParsedView {
  filter: ExceptionFilter
  sort: ReturnType<typeof toSort>
}

/** A view's query string as the list takes it; a bad filter is a 400 naming it (`query.<name>`). */
export function parseView(query: string): ParsedView {
  const params = new URLSearchParams(query.replace(/^\?/, ''))
  const raw: Record<string, string | string[]> = {}
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key)
    raw[key] = all.length > 1 ? all : all[0]
  }
  const r = viewSchema.safeParse(raw)
  if (!r.success) {
    const issue = r.error.issues[0]
    if (issue.code === 'unrecognized_keys')
      throw badRequest('bad_parameter', `query: the exception list takes no ${issue.keys.join(', ')}.`, { field: `query.${issue.keys[0]}` })
    const field = `query.${issue.path.join('.')}`
    throw badRequest('bad_parameter', `${field}: ${issue.message}.`, { field })
  }
  const { sort, limit: _l, cursor: _c, ...filters } = r.data
  return { filter: toFilter(filters), sort: toSort(sort) }
}

export async function listSubscriptions(db: Db, f: { user_id?: string; id?: string } = {}): Promise<Subscription[]> {
  const rows = await queryRows<Row>(db, 'subscriptions.list', sqlFile('subscriptions/list.sql'), { user_id: f.user_id ?? '', id: f.id ?? '' })
  return rows.map(({ deleted: _, ...r }) => ({ ...r, created_at: chToIso(r.created_at)! }))
}

export async function createSubscription(db: Db, s: Omit<Subscription, 'id' | 'created_at'>, now: Date): Promise<Subscription> {
  const sub: Subscription = { ...s, id: `sub_${crypto.randomBytes(10).toString('hex')}`, created_at: now.toISOString() }
  await insertRows(db, 'subscriptions', [{ ...sub, version: microsToCh(arrivalMicros()), created_at: toChDateTime(now), deleted: false }])
  return sub
}

export async function deleteSubscription(db: Db, s: Subscription): Promise<void> {
  await insertRows(db, 'subscriptions', [{ ...s, version: microsToCh(arrivalMicros()), created_at: toChDateTime(new Date(s.created_at)), deleted: true }])
}

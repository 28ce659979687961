// The append-only audit log: sign-ins (and failed ones), token and user changes, triage,
// exports, replays. Never a secret in it.
import crypto from 'node:crypto'
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'
import { insertRows } from '../db/query.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { actorName } from './principal.ts'
import { clientAddress } from './address.ts'

export async function audit(
  c: Context<AppEnv>,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
  outcome: 'ok' | 'denied' = 'ok',
  actor?: string,
): Promise<void> {
  await insertRows(c.var.services.db, 'audit_log', [
    {
      id: crypto.randomUUID(),
      at: microsToCh(arrivalMicros()),
      actor: actor ?? actorName(c.var.principal),
      action,
      target,
      outcome,
      ip: clientAddress(c),
      details: JSON.stringify(details),
    },
  ]).catch((e) => console.error('audit log write failed:', (e as Error).message))
}

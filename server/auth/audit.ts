// The append-only audit log: sign-ins (and failed ones), token and user changes, triage,
// exports, replays, backups. Never a secret in it.
//
// Not best-effort: an action whose record cannot be written fails with 503 rather than
// succeeding unaudited. A failed write is tried once more first (a blip should not fail the
// action); then the caller's answer is the 503, and the log keeps the cause. Actions that
// change something are audited before they act (`audited`), so a 503 means nothing changed.
import crypto from 'node:crypto'
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'
import { insertRows } from '../db/query.ts'
import { AppError, storageError } from '../lib/errors.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { actorName } from './principal.ts'
import { clientAddress } from './address.ts'

/** ok: allowed and done (or, written first, about to be done); denied; failed: done first, then it failed. */
export type AuditOutcome = 'ok' | 'denied' | 'failed'

/**
 * Records `action` and then does it: a change is never made unaudited, and a 503 from the audit
 * write means nothing changed. If the action then fails, a `failed` record follows (best-effort:
 * the caller's own error is the answer).
 */
export async function audited<T>(c: Context<AppEnv>, action: string, target: string, details: Record<string, unknown>, act: () => Promise<T>): Promise<T> {
  await audit(c, action, target, details)
  try {
    return await act()
  } catch (e) {
    const code = e instanceof AppError ? e.code : 'internal'
    await audit(c, action, target, { ...details, error: code }, 'failed').catch(() => {})
    throw e
  }
}

export async function audit(
  c: Context<AppEnv>,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
  outcome: AuditOutcome = 'ok',
  actor?: string,
): Promise<void> {
  const row = {
    id: crypto.randomUUID(),
    at: microsToCh(arrivalMicros()),
    actor: actor ?? actorName(c.var.principal),
    action,
    target,
    outcome,
    ip: clientAddress(c),
    details: JSON.stringify(details),
  }
  try {
    const db = c.var.services.db
    await insertRows(db, 'audit_log', [row]).catch(() => insertRows(db, 'audit_log', [row]))
  } catch (e) {
    c.var.services.log.error({ err: e, action, target }, 'audit log write failed; the action is not done')
    // Storage that cannot write is said as such; a query the engine rejects as wrong is a bug (500).
    const storage = storageError(e)
    if (storage) throw storage
    if (isQueryBug(e)) throw e
    throw new AppError(503, 'audit_unavailable', `The audit log could not record this ${action.replace(/_/g, ' ')}, so it is not confirmed. Retry in a few seconds.`, undefined, {
      'Retry-After': '5',
    })
  }
}

/** Engine errors that mean the statement itself is wrong: retrying cannot help, so no 503. */
const QUERY_BUGS = new Set(['UNKNOWN_IDENTIFIER', 'SYNTAX_ERROR', 'UNKNOWN_FUNCTION', 'TYPE_MISMATCH', 'ILLEGAL_TYPE_OF_ARGUMENT', 'NO_SUCH_COLUMN_IN_TABLE', 'THERE_IS_NO_COLUMN'])
function isQueryBug(e: unknown): boolean {
  const type = (e as { type?: unknown } | null)?.type
  return typeof type === 'string' && QUERY_BUGS.has(type)
}

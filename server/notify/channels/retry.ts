// Retries with exponential backoff on the injected clock (p-retry with its own timer zeroed),
// recording every attempt in notification_attempts.
import pRetry from 'p-retry'
import type { Db } from '../../db/client.ts'
import { insertRows } from '../../db/query.ts'
import { arrivalMicros, microsToCh } from '../../lib/time.ts'
import type { Clock } from '../../lib/clock.ts'
import { logOf, redactMessage } from '../../observability/log.ts'
import { metricsOf } from '../../observability/metrics.ts'
import { SendError } from './types.ts'

export interface RetryOptions {
  maxAttempts: number
  backoffMs: number
  timeoutMs: number
}

type Attempt = (attempt: number, signal: AbortSignal) => Promise<number>

/** Sends until delivered or out of attempts; `done` attempts were made by an earlier process. */
export async function sendWithRetries(db: Db, clock: Clock, opts: RetryOptions, id: string, done: number, send: Attempt) {
  const { maxAttempts, backoffMs } = opts
  let attempts = done
  let lastError: string | null = null
  try {
    await pRetry(
      async (n) => {
        attempts = done + n
        lastError = await attempt(db, opts, id, attempts, send)
        if (lastError) throw new Error(lastError)
      },
      {
        retries: Math.max(0, maxAttempts - done - 1),
        minTimeout: 0,
        maxTimeout: 0,
        // Doubling from backoffMs, carrying on from the attempts an earlier process made.
        onFailedAttempt: async (e) => {
          if (e.retriesLeft > 0) await clock.sleep(backoffMs * 2 ** (done + e.attemptNumber - 1))
        },
      },
    )
    return { status: 'delivered' as const, attempts, error: null }
  } catch (e) {
    metricsOf(db)?.notificationFailed(true)
    logOf(db).error({ delivery: id, attempts, reason: redactMessage((e as Error).message) }, 'notification failed after every attempt')
    return { status: 'failed' as const, attempts, error: lastError ?? (e as Error).message }
  }
}

/** One attempt, recorded whatever its outcome; answers its error ('' when it succeeded). */
async function attempt(db: Db, opts: RetryOptions, id: string, n: number, send: Attempt): Promise<string> {
  let status = 0
  let error = ''
  try {
    status = await send(n, AbortSignal.timeout(opts.timeoutMs))
  } catch (e) {
    const err = e as Error & { cause?: Error }
    status = e instanceof SendError ? e.status : 0
    error = e instanceof SendError ? err.message : (err.cause?.message ?? err.message)
  }
  await insertRows(db, 'notification_attempts', [{ delivery_id: id, attempt: n, at: microsToCh(arrivalMicros()), ok: !error, status_code: status, error }]).catch((e) =>
    logOf(db).error({ err: e, delivery: id }, 'cannot record a notification attempt'),
  )
  if (error) metricsOf(db)?.notificationFailed(false)
  return error
}

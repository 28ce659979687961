// The server's logs: one JSON object a line (pino), at LOG_LEVEL (default info). Every line
// logged while a request is handled carries its id (`req_id`) through AsyncLocalStorage, so
// code far from the route needs no logger passed down. Nothing logged may hold a secret or a
// row's contents: errors are logged by name, code and a redacted first line (an engine error
// can quote the row it failed on), and fields named like secrets are censored.
import { AsyncLocalStorage } from 'node:async_hooks'
import { pino, type DestinationStream, type Logger } from 'pino'
import type { Db } from '../db/client.ts'
import { StartupError } from '../lib/errors.ts'

export type { Logger }

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

const requests = new AsyncLocalStorage<string>()

/** Runs `fn` (and everything it starts) as part of request `id`: its log lines carry the id. */
export const withRequestId = <T>(id: string, fn: () => T): T => requests.run(id, fn)

/** The id of the request being handled, if any. */
export const currentRequestId = (): string | undefined => requests.getStore()

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else info. */
  level?: string
  /** Where lines go (each without its newline); default stdout. */
  write?: (line: string) => void
  stream?: DestinationStream
}

/** Field names whose values are never written (defence in depth: nothing should pass them). */
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'token', 'secret', 'client_secret', 'api_key']
const REDACT = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`])

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = (opts.level ?? process.env.LOG_LEVEL ?? 'info').trim().toLowerCase() || 'info'
  if (!LEVELS.includes(level)) throw new StartupError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not '${level}'.`)
  const write = opts.write
  const dest: DestinationStream = opts.stream ?? (write ? { write: (s: string) => write(s.replace(/\n$/, '')) } : pino.destination({ dest: 1, sync: true }))
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const id = requests.getStore()
        return id ? { req_id: id } : {}
      },
      serializers: { err: safeError },
      redact: { paths: REDACT, censor: '***' },
    },
    dest,
  )
}

/**
 * An error as it may be logged: its kind, code, the first line of its message with anything
 * quoted replaced (engines quote the values they could not parse), and its stack frames without
 * the message. Causes are followed one level, the same way.
 */
export function safeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: redactMessage(String(e)) }
  const x = e as Error & { code?: unknown; type?: unknown; cause?: unknown }
  const out: Record<string, unknown> = { type: typeof x.type === 'string' ? x.type : x.name, message: redactMessage(x.message) }
  if (x.code !== undefined) out.code = String(x.code)
  const frames = (x.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12)
  if (frames.length) out.stack = frames.map((l) => l.trim()).join('\n')
  if (x.cause instanceof Error) out.cause = { type: x.cause.name, message: redactMessage(x.cause.message) }
  return out
}

/** The first line of a message, quoted text and what follows "before:"/"parsed text" cut out, bounded. */
export function redactMessage(message: string): string {
  const first = message.split('\n')[0]
  return first
    .replace(/\b(before|parsed text|text|value|row)\s*:\s*.*$/i, '$1: …')
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "'…'")
    .slice(0, 300)
}

/** The logger of each running server, found from its storage handle (several run in tests). */
const loggers = new WeakMap<Db, Logger>()
let fallback: Logger | null = null

export function bindLogger(db: Db, logger: Logger): void {
  loggers.set(db, logger)
}

/** The logger of the server using `db` (else one to stdout, for code run outside a server). */
export function logOf(db: Db): Logger {
  return loggers.get(db) ?? (fallback ??= createLogger())
}

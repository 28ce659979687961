// A source's `connector` (CONTRACT §8): which system's API to pull, how to sign in, how often,
// and the firm's overrides of the shipped mappings. Secrets are `${ENV_VAR}` references resolved
// at start (resolveSecrets), never written back, logged, stored or answered.
import { z } from 'zod'

export const CONNECTOR_TYPES = ['salesforce', 'netsuite', 'dynamics', 'workday', 'kantata', 'harvest'] as const
export type ConnectorType = (typeof CONNECTOR_TYPES)[number]

/** Which source kinds each type can feed (CONTRACT §8 "Types and what they feed"). */
export const TYPE_KINDS: Record<ConnectorType, readonly string[]> = {
  salesforce: ['crm'],
  netsuite: ['erp'],
  dynamics: ['erp', 'psa'],
  workday: ['hr'],
  kantata: ['psa'],
  harvest: ['psa'],
}

const DURATION = /^(\d+)\s*(s|m|h|d)$/
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** "15m", "24h", "30s", "7d" → milliseconds. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text.trim())
  if (!m) throw new Error(`expected a duration such as 15m, 24h or 7d, not '${text}'`)
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]
}

const duration = z
  .string()
  .regex(DURATION, { message: 'expected a duration such as 15m, 24h or 7d' })
  .refine((s) => durationMs(s) >= 60_000, { message: 'expected at least 1m' })

const url = z.url({ error: 'expected an http(s) URL' })
const secret = z.string().min(1)

const auth = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('client_credentials'), client_id: z.string().min(1), client_secret: secret, scope: z.string().optional(), token_url: url.optional(), tenant_id: z.string().optional() }),
    z.strictObject({ type: z.literal('tba'), account_id: z.string().min(1), consumer_key: z.string().min(1), consumer_secret: secret, token_id: z.string().min(1), token_secret: secret }),
    z.strictObject({ type: z.literal('basic'), username: z.string().min(1), password: secret }),
    z.strictObject({ type: z.literal('token'), token: secret, account_id: z.string().optional() }),
  ],
  { error: 'expected auth.type client_credentials, tba, basic or token' },
)

/** A field expression of §8: a path, {path, as, map, default, base, format, tz, ref}, or {const}. Checked in depth by the mapping engine. */
const expression = z.union([z.string().min(1), z.record(z.string(), z.unknown())])

const entityOverride = z.strictObject({
  source: z
    .strictObject({
      object: z.string().optional(),
      table: z.string().optional(),
      endpoint: z.string().optional(),
      entity_set: z.string().optional(),
      where: z.string().optional(),
      include: z.array(z.string()).optional(),
      report: url.optional(),
      columns: z.record(z.string(), expression).optional(),
      bulk: z.boolean().optional(),
      track_changes: z.boolean().optional(),
    })
    .optional(),
  fields: z.record(z.string(), expression).optional(),
  lookup_only: z.boolean().optional(),
})

export const connectorSchema = z.strictObject({
  type: z.enum(CONNECTOR_TYPES, { error: `expected one of ${CONNECTOR_TYPES.join(', ')}` }),
  base_url: url.optional(),
  /** Workday: the report's whole URL. */
  report_url: url.optional(),
  auth,
  every: duration.optional(),
  full_every: duration.optional(),
  /** NetSuite: the tenant's date preference, applied to every date it returns. */
  date_format: z.string().optional(),
  api_version: z.string().optional(),
  /** Harvest requires `User-Agent: App (contact)`. */
  user_agent: z.string().optional(),
  page_size: z.number().int().positive().optional(),
  /** Ask for the next page while this one is mapped and stored (one more request in flight). */
  read_ahead: z.boolean().optional(),
  /** Records sent to the engine per batch (whole pages, default 10,000): the cursor moves per batch. */
  batch_records: z.number().int().positive().optional(),
  /** NetSuite: rows one SuiteQL query serves through offsets before keyset paging. */
  row_cap: z.number().int().positive().optional(),
  /** NetSuite: the zone SuiteQL compares TO_DATE literals in (a live tenant must confirm). */
  query_time_zone: z.string().optional(),
  /** Overlap subtracted from a stored modification-time cursor (default 300 s). */
  overlap_seconds: z.number().int().nonnegative().optional(),
  /** Incremental pulls read the system's deletion feed where it has one (default true). */
  deletion_feed: z.boolean().optional(),
  limits: z
    .strictObject({
      requests: z.number().int().nonnegative().optional(),
      per_ms: z.number().int().positive().optional(),
      concurrency: z.number().int().positive().optional(),
      timeout_ms: z.number().int().positive().optional(),
      stream_timeout_ms: z.number().int().positive().optional(),
      retries: z.number().int().nonnegative().optional(),
      backoff_min_ms: z.number().int().nonnegative().optional(),
      backoff_max_ms: z.number().int().nonnegative().optional(),
      rate_limit_retries: z.number().int().nonnegative().optional(),
      max_pause_ms: z.number().int().nonnegative().optional(),
      budget_reserve: z.number().nonnegative().optional(),
    })
    .optional(),
  entities: z.record(z.string(), entityOverride).optional(),
})

export type ConnectorConfig = z.output<typeof connectorSchema>

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/**
 * Replaces every `${VAR}` in the connector's auth with the environment's value. A missing
 * variable stops the server with a sentence naming it and where it is used.
 */
export function resolveSecrets(c: ConnectorConfig, env: NodeJS.ProcessEnv, where: string): ConnectorConfig {
  const auth = Object.fromEntries(
    Object.entries(c.auth).map(([k, v]) => [
      k,
      typeof v === 'string'
        ? v.replace(REF, (_, name: string) => {
            const value = env[name]
            if (value === undefined || value === '') throw new Error(`${where}.auth.${k} refers to the environment variable ${name}, which is not set`)
            return value
          })
        : v,
    ]),
  ) as ConnectorConfig['auth']
  return { ...c, auth }
}

const SECRET_FIELDS = new Set(['client_secret', 'consumer_secret', 'token_secret', 'password', 'token'])

/** The connector as the API shows it: every secret as "***". */
export function redactConnector(c: ConnectorConfig): ConnectorConfig {
  return { ...c, auth: Object.fromEntries(Object.entries(c.auth).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '***' : v])) as ConnectorConfig['auth'] }
}

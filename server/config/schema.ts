// The one config file (JSON or YAML), validated at start. Objects are strict so a misspelt
// field is named in the error rather than silently ignored.
import { z } from 'zod'
import { SOURCE_KINDS } from '../model/entities.ts'
import { RULES, RULE_NAMES, SEVERITIES, type RuleName } from '../rules/catalog.ts'
import { KPI_NAMES } from '../kpis/catalog.ts'
import { connectorSchema } from '../connectors/config.ts'
import { backupSchema, retentionSchema } from '../ops/config.ts'
import { digestSchema } from '../notify/digest/schedule.ts'

const slug = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { message: 'expected a lowercase slug such as netsuite' })
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a SHA-256 hex digest (64 lowercase hex characters)' })
const severity = z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(', ')}` })

export const sourceSchema = z.strictObject({
  system: slug,
  kind: z.enum(SOURCE_KINDS, { error: `expected one of ${SOURCE_KINDS.join(', ')}` }),
  name: z.string().optional(),
  /** SHA-256 of the source's ingest token; the token itself is never stored. */
  token_sha256: sha256.optional(),
  /** Pull from the system's own API (CONTRACT §8). */
  connector: connectorSchema.optional(),
})

// Upper bounds keep every threshold inside what the engine's dates and integers can hold (a
// window of 10^300 hours cannot be subtracted from a date): ten years, or 10^12 for amounts.
const TEN_YEARS_HOURS = 87_600
const ruleParam = (p: string) =>
  p.endsWith('_days') ? z.number().int().nonnegative().max(3_650) : p.endsWith('_hours') && p !== 'tolerance_hours' ? z.number().nonnegative().max(TEN_YEARS_HOURS) : z.number().nonnegative().max(1e12)

const ruleOverride = (name: RuleName) => {
  const params = Object.fromEntries(Object.keys(RULES[name].params).map((p) => [p, ruleParam(p).optional()]))
  return z.strictObject({
    enabled: z.boolean().optional(),
    severity: severity.optional(),
    owner: z.string().min(1).optional(),
    ...params,
  })
}

export interface RuleOverride {
  enabled?: boolean
  severity?: (typeof SEVERITIES)[number]
  owner?: string
  [param: string]: number | string | boolean | undefined
}

const rulesSchema = z.strictObject(
  Object.fromEntries(RULE_NAMES.map((r) => [r, ruleOverride(r).optional()])) as unknown as Record<
    RuleName,
    z.ZodOptional<z.ZodType<RuleOverride>>
  >,
)

export const routeSchema = z.strictObject({
  match: z.strictObject({
    rule: z.enum(RULE_NAMES as [RuleName, ...RuleName[]], { error: 'expected a rule name of CONTRACT §4' }).optional(),
    severity: severity.optional(),
    practice: z.string().optional(),
    region: z.string().optional(),
    system: z.string().optional(),
  }),
  owner: z.string().min(1),
})

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })

export const ownerSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  type: z.enum(['team', 'person']).default('team'),
  /** E-mail channel (needs `smtp`); person owners are reached this way. */
  email: z.email({ error: 'expected an e-mail address such as finance-ops@example.com' }).optional(),
  webhook: z.url({ error: 'expected an http(s) URL' }).optional(),
  /** Signs the generic webhook (X-Crosswalk-Signature); a `${ENV_VAR}` reference is resolved when sending. */
  webhook_secret: z.string().min(1).optional(),
  /** Slack incoming webhook, Microsoft Teams Workflows webhook (server/notify/channels/). */
  slack_webhook: httpUrl.optional(),
  teams_webhook: httpUrl.optional(),
  /** A digest of the owner's exceptions on its channels (server/notify/digest/). */
  digest: digestSchema.optional(),
})

/** Outgoing e-mail (notification channel); `user`/`pass` may be `${ENV_VAR}` references, resolved when sending. */
export const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.enum(['starttls', 'tls', 'none'], { error: 'expected starttls, tls or none' }).default('starttls'),
  from: z.string().min(3),
  user: z.string().min(1).optional(),
  pass: z.string().min(1).optional(),
})

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO-4217 code such as USD' })

export const configSchema = z.strictObject({
  sources: z.array(sourceSchema).default([]),
  /** The currency every KPI and amount at risk is added up in (CONTRACT §5 Currency). */
  reporting_currency: currencyCode.default('USD'),
  /** A target per KPI (its value's unit), shown as a line next to the number; null: none. */
  targets: z
    .strictObject(Object.fromEntries(KPI_NAMES.map((k) => [k, z.number().finite().nullable().optional()])))
    .default({ gross_margin: 0.3 }),
  limits: z
    .strictObject({
      /** Largest request body accepted by ingest, after decompression. */
      max_body_bytes: z.number().int().positive().default(4 * 1024 ** 3),
      /** Largest OTLP/HTTP request (POST /v1/traces), after decompression: it is read whole. */
      max_otlp_bytes: z.number().int().positive().default(64 * 1024 ** 2),
    })
    .default({ max_body_bytes: 4 * 1024 ** 3, max_otlp_bytes: 64 * 1024 ** 2 }),
  /** Connections and how long the server waits on a client (server/http/connections.ts). */
  server: z
    .strictObject({
      /** Open connections at most; default: half the process's open-file limit. */
      max_connections: z.number().int().positive().optional(),
      /** A request's headers must arrive within this. */
      headers_timeout_ms: z.number().int().nonnegative().default(20_000),
      /** A whole request (headers and body) must arrive within this; 0: no limit. */
      request_timeout_ms: z.number().int().nonnegative().default(3_600_000),
      /** A client that sends or reads nothing for this long while the server waits on it is cut off. */
      idle_timeout_ms: z.number().int().positive().default(30_000),
      /** An idle keep-alive connection is closed after this. */
      keep_alive_timeout_ms: z.number().int().positive().default(5_000),
    })
    .default({ headers_timeout_ms: 20_000, request_timeout_ms: 3_600_000, idle_timeout_ms: 30_000, keep_alive_timeout_ms: 5_000 }),
  detect: z
    .strictObject({ interval_seconds: z.number().int().nonnegative().default(300) })
    .default({ interval_seconds: 300 }),
  sla_hours: z
    .strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().positive().max(TEN_YEARS_HOURS).optional()])))
    .default({}),
  rules: rulesSchema.default({}),
  routing: z.array(routeSchema).default([]),
  auth: z
    .strictObject({
      session_idle_minutes: z.number().positive().default(480),
      session_max_hours: z.number().positive().default(168),
      login_max_failures: z.number().int().positive().default(5),
      login_window_minutes: z.number().positive().default(15),
      ingest_requests_per_minute: z.number().int().positive().default(1200),
      /** Single sign-on behind an authenticating reverse proxy (oauth2-proxy style). */
      proxy: z
        .strictObject({
          header: z.string().min(1).default('X-Forwarded-Email'),
          trusted: z.array(z.string().min(1)).min(1, { message: 'list the proxy addresses to trust' }),
        })
        .optional(),
    })
    .default({ session_idle_minutes: 480, session_max_hours: 168, login_max_failures: 5, login_window_minutes: 15, ingest_requests_per_minute: 1200 }),
  notify: z
    .strictObject({
      max_attempts: z.number().int().min(1).max(20).default(6),
      backoff_ms: z.number().int().min(0).default(1000),
      timeout_ms: z.number().int().min(100).default(10_000),
    })
    .default({ max_attempts: 6, backoff_ms: 1000, timeout_ms: 10_000 }),
  owners: z.array(ownerSchema).default([]),
  /** The dashboard's address as people reach it (links in notifications), e.g. https://crosswalk.example.com. */
  public_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://crosswalk.example.com' }).optional(),
  smtp: smtpSchema.optional(),
  /** The weekly digest e-mailed to every user with the executive role (needs smtp). */
  executive_digest: digestSchema.default({ frequency: 'weekly', local_time: '08:00', time_zone: 'UTC', weekday: 'monday' }),
  /** GET /metrics: its own bearer token (a `${ENV_VAR}` reference, resolved at start), and/or a listener on a local address. */
  metrics: z
    .strictObject({
      token: z.string().min(1).optional(),
      listen: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65535) }).optional(),
    })
    .default({}),
  /** Where backups go (server/ops/backup.ts) and how long each kind of data is kept (ops/retention.ts). */
  backup: backupSchema,
  retention: retentionSchema,
})

export type Config = z.output<typeof configSchema>
export type SourceConfig = z.output<typeof sourceSchema>

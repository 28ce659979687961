// The one config file (JSON or YAML), validated at start. Objects are strict so a misspelt
// field is named in the error rather than silently ignored.
import { z } from 'zod'
import { SOURCE_KINDS } from '../model/entities.ts'
import { RULES, RULE_NAMES, SEVERITIES, type RuleName } from '../rules/catalog.ts'
import { connectorSchema } from '../connectors/config.ts'

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

const ruleOverride = (name: RuleName) => {
  const params = Object.fromEntries(
    Object.keys(RULES[name].params).map((p) => [p, (p.endsWith('_days') ? z.number().int() : z.number()).nonnegative().optional()]),
  )
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

export const ownerSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  type: z.enum(['team', 'person']).default('team'),
  email: z.string().optional(),
  webhook: z.url({ error: 'expected an http(s) URL' }).optional(),
})

export const configSchema = z.strictObject({
  sources: z.array(sourceSchema).default([]),
  limits: z
    .strictObject({
      /** Largest request body accepted by ingest, after decompression. */
      max_body_bytes: z.number().int().positive().default(4 * 1024 ** 3),
    })
    .default({ max_body_bytes: 4 * 1024 ** 3 }),
  detect: z
    .strictObject({ interval_seconds: z.number().int().nonnegative().default(300) })
    .default({ interval_seconds: 300 }),
  sla_hours: z
    .strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().positive().optional()])))
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
})

export type Config = z.output<typeof configSchema>
export type SourceConfig = z.output<typeof sourceSchema>

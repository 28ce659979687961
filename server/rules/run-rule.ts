// Runs one rule's SQL (sql/rules/<rule>.sql) with its thresholds bound as parameters, and
// shapes each row as a detection: the standard columns plus `details`, the values of each
// system side by side (columns named `system.field` nest as details[system][field]).
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlAsOf, type PathOptions } from '../derived/index.ts'
import type { Config } from '../config/schema.ts'
import { RULES, type RuleName } from './catalog.ts'
import { chToIso } from '../lib/time.ts'

export interface Detection {
  rule: RuleName
  entity_type: string
  entity_key: string
  systems: string[]
  amount_at_risk: string
  currency: string
  /** amount_at_risk in the reporting currency (CONTRACT §5 Currency); null when no rate applies. */
  amount_at_risk_reporting: string | null
  /** The reporting currency it was converted to. */
  reporting_currency: string
  practice: string | null
  region: string | null
  details: Record<string, Record<string, unknown>>
}

// ClickHouse datetime text; details show times as ISO-8601 like the rest of the API.
const CH_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/

const STANDARD = new Set(['entity_key', 'systems', 'amount_at_risk', 'amount_at_risk_reporting', 'currency', 'practice', 'region', 'entity_type'])

function ruleParams(config: Config, rule: RuleName): Record<string, number> {
  const overrides = (config.rules[rule] ?? {}) as Record<string, unknown>
  const params: Record<string, number> = {}
  for (const [p, dflt] of Object.entries(RULES[rule].params)) params[p] = typeof overrides[p] === 'number' ? (overrides[p] as number) : dflt
  return params
}

/** A rule's SQL (history or derived path) and its parameters, as runRule runs it. */
export async function ruleQuery(db: Db, config: Config, rule: RuleName, asOf: string, opts: PathOptions = {}) {
  const params: Record<string, unknown> = { as_of: asOf, reporting: config.reporting_currency, ...ruleParams(config, rule) }
  if (rule === 'source_stale') {
    params.systems = config.sources.map((s) => s.system)
    params.kinds = config.sources.map((s) => s.kind)
  }
  return { sql: await sqlAsOf(db, `rules/${rule}`, asOf, opts), params }
}

export async function runRule(db: Db, config: Config, rule: RuleName, asOf: string, opts: PathOptions = {}): Promise<Detection[]> {
  const { sql, params } = await ruleQuery(db, config, rule, asOf, opts)
  const rows = await queryRows<Record<string, unknown>>(db, `rules.${rule}`, sql, params, { join_use_nulls: 1 })
  return rows.map((r) => toDetection(rule, r, config.reporting_currency))
}

/** One row of a rule's SQL as a detection (detection streams rows through this in pages). */
export function toDetection(rule: RuleName, r: Record<string, unknown>, reporting = 'USD'): Detection {
  const entityType = RULES[rule].entity
  const details: Record<string, Record<string, unknown>> = {}
  for (const [col, v] of Object.entries(r)) {
    if (STANDARD.has(col)) continue
    const dot = col.indexOf('.')
    const side = dot > 0 ? col.slice(0, dot) : 'value'
    ;(details[side] ??= {})[dot > 0 ? col.slice(dot + 1) : col] = typeof v === 'string' && CH_DATETIME.test(v) ? chToIso(v) : v
  }
  return {
    rule,
    entity_type: typeof r.entity_type === 'string' ? r.entity_type : entityType,
    entity_key: String(r.entity_key),
    systems: [...new Set((r.systems as string[] | null) ?? [])].sort(),
    amount_at_risk: String(r.amount_at_risk ?? '0'),
    currency: String(r.currency ?? reporting),
    amount_at_risk_reporting: r.amount_at_risk_reporting == null ? null : String(r.amount_at_risk_reporting),
    reporting_currency: reporting,
    practice: (r.practice as string | null) ?? null,
    region: (r.region as string | null) ?? null,
    details,
  }
}

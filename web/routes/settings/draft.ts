// The settings editor's working copy and how it turns into the body of PUT /api/v1/settings.
// Inputs hold strings ('' = use the default) so a half-typed number never becomes a value; the
// body carries only what differs from the rule catalogue, so saving an untouched rule sends
// nothing for it and "overridden" means exactly "differs from the default". Pure.
import type { Route, RouteMatch, RuleDefault, RuleOverride, SettingsBody, Severity, SlaHours } from '../../lib/endpoints.ts'

import { SEVERITIES } from '../../lib/rules.ts'

export { SEVERITIES }

/** The server's SLA hours where sla_hours leaves a severity out (GET /settings sla_defaults). */
export type SlaDefaults = Record<Severity, number>

export const MATCH_FIELDS = ['rule', 'severity', 'practice', 'region', 'system'] as const
export type MatchField = (typeof MATCH_FIELDS)[number]

export interface RuleDraft {
  enabled: boolean
  severity: Severity
  owner: string
  params: Record<string, string>
}

export interface RouteDraft extends Record<MatchField, string> {
  /** Stable identity for the list while routes move; never sent. */
  key: number
  owner: string
}

export interface Draft {
  rules: Record<string, RuleDraft>
  routes: RouteDraft[]
  sla: Record<Severity, string>
  /** The reporting currency code (CONTRACT §5 Currency); '' before the server named one. */
  reporting: string
}

export type Defaults = Record<string, RuleDefault>

/** Per-rule values read by a rule name held as a string. */
export type ByName<T> = Partial<Record<string, T>>

let nextKey = 1
export const newRoute = (owner = ''): RouteDraft => ({ key: nextKey++, rule: '', severity: '', practice: '', region: '', system: '', owner })

export function defaultRule(def: RuleDefault): RuleDraft {
  return { enabled: true, severity: def.severity, owner: def.owner, params: Object.fromEntries(Object.keys(def.params).map((p) => [p, ''])) }
}

export function toDraft(s: SettingsBody, defaults: Defaults, slaDefaults: SlaDefaults): Draft {
  const rules: Record<string, RuleDraft> = {}
  const overrides: ByName<RuleOverride> = s.rules
  for (const [name, def] of Object.entries(defaults)) {
    const o: RuleOverride = overrides[name] ?? {}
    const params: Record<string, string> = {}
    // An override equal to the default shows as the default (an empty input), as it is one.
    for (const [p, d] of Object.entries(def.params)) params[p] = typeof o[p] === 'number' && o[p] !== d ? String(o[p]) : ''
    rules[name] = { enabled: o.enabled !== false, severity: o.severity ?? def.severity, owner: o.owner ?? def.owner, params }
  }
  const routes = s.routing.map((r) => ({ ...newRoute(r.owner), ...Object.fromEntries(MATCH_FIELDS.map((f) => [f, r.match[f] ?? ''])) }))
  const sla = Object.fromEntries(SEVERITIES.map((v) => [v, s.sla_hours[v] === undefined || s.sla_hours[v] === slaDefaults[v] ? '' : String(s.sla_hours[v])]))
  return { rules, routes, sla: sla as Record<Severity, string>, reporting: s.reporting_currency ?? '' }
}

/** What an input holds as a number; '' is "not set". Invalid text is sent as is so the server names it. */
function num(v: string): number | undefined {
  const t = v.trim()
  return t === '' ? undefined : Number(t)
}

/** The part of a rule that differs from its default, or null when nothing does. */
export function ruleBody(d: RuleDraft, def: RuleDefault): RuleOverride | null {
  const o: RuleOverride = {}
  if (!d.enabled) o.enabled = false
  if (d.severity !== def.severity) o.severity = d.severity
  if (d.owner !== def.owner) o.owner = d.owner
  for (const [p, dv] of Object.entries(def.params)) {
    const v = num(d.params[p] ?? '')
    if (v !== undefined && v !== dv) o[p] = v
  }
  return Object.keys(o).length ? o : null
}

export function routeBody(r: RouteDraft): Route {
  const match: RouteMatch = {}
  for (const f of MATCH_FIELDS) {
    // A blank text field means "any": sent as "" it would only match a blank practice.
    const v = r[f].trim()
    if (v) (match as Record<string, string>)[f] = v
  }
  return { match, owner: r.owner.trim() }
}

function rulesBody(d: Draft, defaults: Defaults): Record<string, RuleOverride> {
  const rules: Record<string, RuleOverride> = {}
  for (const [name, def] of Object.entries(defaults)) {
    const o = d.rules[name] && ruleBody(d.rules[name], def)
    if (o) rules[name] = o
  }
  return rules
}

/** What a routing preview needs of the drafted rules: who owns them and how severe they are
 *  (thresholds are left out, so a half-typed one does not stop a preview). */
export function routingRules(d: Draft, defaults: Defaults): Record<string, RuleOverride> {
  const out: Record<string, RuleOverride> = {}
  for (const [name, o] of Object.entries(rulesBody(d, defaults))) {
    const kept: RuleOverride = {}
    if (o.owner !== undefined) kept.owner = o.owner
    if (o.severity !== undefined) kept.severity = o.severity
    if (Object.keys(kept).length) out[name] = kept
  }
  return out
}

export function toBody(d: Draft, defaults: Defaults, slaDefaults: SlaDefaults): SettingsBody {
  const rules = rulesBody(d, defaults)
  const sla_hours: SlaHours = {}
  for (const v of SEVERITIES) {
    const h = num(d.sla[v])
    if (h !== undefined && h !== slaDefaults[v]) sla_hours[v] = h
  }
  // Always sent once known: a save without it keeps the currency in force, so it could not go back.
  const reporting = d.reporting.trim().toUpperCase()
  return { routing: d.routes.map(routeBody), rules, sla_hours, ...(reporting ? { reporting_currency: reporting } : {}) }
}

/** Bodies are built in one fixed key order, so their JSON compares them. */
export const sameBody = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * For each route, the earlier route that takes everything it would match (every field the
 * earlier one gives is given equally here), or -1: such a route never applies, since the first
 * match wins.
 */
export function shadowedBy(routes: Route[]): number[] {
  return routes.map((r, j) =>
    routes.findIndex((e, i) => i < j && Object.entries(e.match).every(([k, v]) => (r.match as Record<string, string | undefined>)[k] === v)),
  )
}

/** The value a refused save or preview names ("rules.x.tolerance", "routing[1].owner",
 *  "sla_hours.high"): the server's 400 carries it as `details.field` (ApiError keeps it). */
export function badField(e: unknown): string | null {
  const field = ((e as { details?: { field?: unknown } } | null)?.details as { field?: unknown } | undefined)?.field
  return typeof field === 'string' && field ? field : null
}

/** 168 → "7 days", 36 → "1.5 days", 4 → "4 hours": SLAs read better in days past a day. */
export function hoursLabel(h: number): string {
  if (h >= 48 || (h >= 24 && h % 24 === 0)) {
    const d = Math.round((h / 24) * 10) / 10
    return `${d} day${d === 1 ? '' : 's'}`
  }
  return `${h} hour${h === 1 ? '' : 's'}`
}

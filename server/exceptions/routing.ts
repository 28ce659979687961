// Who owns an exception: the first route whose every given field matches wins (CONTRACT §4),
// otherwise the rule's default owner.
import type { Config } from '../config/schema.ts'
import { RULES, type RuleName, type Severity } from '../rules/catalog.ts'

export interface Routable {
  rule: RuleName
  severity: Severity
  practice: string | null
  region: string | null
  systems: string[]
}

/** Whether every field a route gives matches the exception. */
export function routeMatches(m: Config['routing'][number]['match'], x: Routable): boolean {
  return (
    (m.rule === undefined || m.rule === x.rule) &&
    (m.severity === undefined || m.severity === x.severity) &&
    (m.practice === undefined || m.practice === x.practice) &&
    (m.region === undefined || m.region === x.region) &&
    (m.system === undefined || x.systems.includes(m.system))
  )
}

export function routeOwner(config: Config, x: Routable): string {
  const route = config.routing.find((r) => routeMatches(r.match, x))
  return route?.owner ?? config.rules[x.rule]?.owner ?? RULES[x.rule].owner
}

export function severityOf(config: Config, rule: RuleName): Severity {
  return (config.rules[rule]?.severity as Severity | undefined) ?? RULES[rule].severity
}

/** Hours to resolve, per severity, where the settings give none. */
export const SLA_DEFAULT_HOURS: Record<Severity, number> = { critical: 4, high: 24, medium: 72, low: 168 }

export function slaHours(config: Config, severity: Severity): number {
  return (config.sla_hours as Partial<Record<Severity, number>>)[severity] ?? SLA_DEFAULT_HOURS[severity]
}

export function enabledRules(config: Config): RuleName[] {
  return (Object.keys(RULES) as RuleName[]).filter((r) => config.rules[r]?.enabled !== false)
}

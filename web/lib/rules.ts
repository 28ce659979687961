// The rule catalogue (titles, default severity and owner, finance flag, the KPIs each explains)
// from the server's own definition, so the dashboard names rules exactly as detection does.
import { KPI_RULES, RULES, RULE_NAMES, SEVERITIES } from '../../server/rules/catalog.ts'

export { KPI_RULES, RULE_NAMES, SEVERITIES }

export function ruleTitle(rule: string): string {
  return (RULES as Record<string, { title: string }>)[rule]?.title ?? rule.replace(/_/g, ' ')
}

export function ruleInfo(rule: string) {
  return (RULES as Record<string, (typeof RULES)[keyof typeof RULES]>)[rule] ?? null
}

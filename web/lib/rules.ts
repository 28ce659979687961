// The rule catalogue (titles, default severity and owner, finance flag) from the server's own
// definition, so the dashboard names rules exactly as detection does.
import { RULES, RULE_NAMES, SEVERITIES } from '../../server/rules/catalog.ts'

export { RULE_NAMES, SEVERITIES }

export function ruleTitle(rule: string): string {
  return (RULES as Record<string, { title: string }>)[rule]?.title ?? rule.replace(/_/g, ' ')
}

export function ruleInfo(rule: string) {
  return (RULES as Record<string, (typeof RULES)[keyof typeof RULES]>)[rule] ?? null
}

/** KPI → the rules whose exceptions explain it, for drilling from a tile to the list. */
export const KPI_RULES: Record<string, string[]> = {
  utilization: ['time_entry_missing_in_erp', 'assignment_without_recent_time', 'resource_missing_in_psa'],
  unbilled_wip: ['unbilled_time_over_90_days', 'time_entry_missing_in_erp'],
  backlog: ['project_missing_in_erp', 'project_missing_in_psa'],
  billing_cycle_days: ['invoice_amount_mismatch', 'unbilled_time_over_90_days'],
  pipeline_to_project_hours: ['won_opportunity_without_project'],
  realization: ['invoice_amount_mismatch', 'time_entry_hours_mismatch', 'assignment_rate_mismatch'],
  money_at_risk: [],
}

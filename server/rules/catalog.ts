// The reconciliation rules of CONTRACT §4: each rule's entity, default severity, default owner
// and the thresholds its SQL file binds as parameters. Adding a rule is adding its
// sql/rules/<name>.sql, an entry here and its test.
import type { EntityName } from '../model/entities.ts'
import type { KpiName } from '../kpis/catalog.ts'

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface RuleDef {
  /** The entity type of its exceptions; transaction_failed takes it from each trace. */
  entity: EntityName | 'source' | 'transaction'
  severity: Severity
  owner: string
  /** Only finance and admin may triage it (CONTRACT §7). */
  finance: boolean
  params: Record<string, number>
  title: string
}

export const RULES = {
  won_opportunity_without_project: {
    entity: 'opportunity', severity: 'high', owner: 'delivery-ops', finance: false,
    params: { min_age_hours: 48 }, title: 'Won deal without a project',
  },
  project_missing_in_erp: {
    entity: 'project', severity: 'high', owner: 'finance-ops', finance: true,
    params: { min_age_hours: 24 }, title: 'PSA project missing in ERP',
  },
  project_missing_in_psa: {
    entity: 'project', severity: 'medium', owner: 'delivery-ops', finance: false,
    params: { min_age_hours: 24 }, title: 'ERP project missing in PSA',
  },
  time_entry_missing_in_erp: {
    entity: 'time_entry', severity: 'high', owner: 'finance-ops', finance: true,
    params: { min_age_hours: 24 }, title: 'Approved time not in ERP',
  },
  time_entry_hours_mismatch: {
    entity: 'time_entry', severity: 'medium', owner: 'finance-ops', finance: true,
    params: { tolerance_hours: 0.01 }, title: 'Hours differ between PSA and ERP',
  },
  assignment_rate_mismatch: {
    entity: 'assignment', severity: 'medium', owner: 'finance-ops', finance: true,
    params: { tolerance: 0.005 }, title: 'Assignment rate differs from rate card',
  },
  assignment_terminated_resource: {
    entity: 'assignment', severity: 'high', owner: 'resource-management', finance: false,
    params: {}, title: 'Terminated consultant still assigned',
  },
  assignment_on_closed_project: {
    entity: 'assignment', severity: 'low', owner: 'resource-management', finance: false,
    params: {}, title: 'Assignment on a closed project',
  },
  assignment_without_recent_time: {
    entity: 'assignment', severity: 'low', owner: 'resource-management', finance: false,
    params: { window_days: 14 }, title: 'Active assignment without recent time',
  },
  invoice_amount_mismatch: {
    entity: 'invoice', severity: 'critical', owner: 'billing', finance: true,
    params: { abs_tolerance: 1.0, rel_tolerance: 0.005 }, title: 'Invoice disagrees with its time and expenses',
  },
  unbilled_time_over_90_days: {
    entity: 'project', severity: 'high', owner: 'billing', finance: true,
    params: { max_age_days: 90 }, title: 'Approved billable time unbilled for 90+ days',
  },
  resource_cost_rate_mismatch: {
    entity: 'resource', severity: 'low', owner: 'finance-ops', finance: true,
    params: { tolerance: 0.005 }, title: 'Cost rate differs between HR and PSA',
  },
  resource_missing_in_psa: {
    entity: 'resource', severity: 'medium', owner: 'resource-management', finance: false,
    params: { grace_days: 7 }, title: 'Employee missing in PSA',
  },
  transaction_failed: {
    entity: 'transaction', severity: 'high', owner: 'integration-team', finance: false,
    params: {}, title: 'Integration transaction failed',
  },
  source_stale: {
    entity: 'source', severity: 'critical', owner: 'integration-team', finance: false,
    params: { max_age_hours: 24 }, title: 'Source has not sent data',
  },
  duplicate_time_entry: {
    entity: 'time_entry', severity: 'medium', owner: 'finance-ops', finance: true,
    params: {}, title: 'Duplicate time entry',
  },
  project_over_budget: {
    entity: 'project', severity: 'high', owner: 'delivery-ops', finance: false,
    params: {}, title: 'Project over its budgeted hours',
  },
  resource_overallocated: {
    entity: 'resource', severity: 'medium', owner: 'resource-management', finance: false,
    params: { max_load_ratio: 1.1 }, title: 'Consultant planned above capacity',
  },
} satisfies Record<string, RuleDef>

export type RuleName = keyof typeof RULES
export const RULE_NAMES = Object.keys(RULES) as RuleName[]

/** KPI → the rules whose exceptions explain it (the dashboard drills from a KPI to them). */
export const KPI_RULES: Record<KpiName, RuleName[]> = {
  utilization: ['time_entry_missing_in_erp', 'assignment_without_recent_time', 'resource_missing_in_psa'],
  unbilled_wip: ['unbilled_time_over_90_days', 'time_entry_missing_in_erp'],
  backlog: ['project_missing_in_erp', 'project_missing_in_psa'],
  billing_cycle_days: ['invoice_amount_mismatch', 'unbilled_time_over_90_days'],
  pipeline_to_project_hours: ['won_opportunity_without_project'],
  realization: ['invoice_amount_mismatch', 'time_entry_hours_mismatch', 'assignment_rate_mismatch'],
  money_at_risk: [],
  gross_margin: ['project_over_budget', 'duplicate_time_entry', 'resource_cost_rate_mismatch'],
  forecast_accuracy: ['assignment_without_recent_time', 'resource_overallocated'],
  bench_capacity: ['resource_overallocated', 'resource_missing_in_psa'],
}

// The KPIs of CONTRACT §5: what each means (shown by the UI next to the number), its unit, how
// its value is formed from the numerator and denominator, and the dimensions it breaks down by.
// 'accuracy': 1 − numerator / denominator (forecast accuracy: the share of planned hours missed, taken from 1).
export type KpiKind = 'ratio' | 'sum' | 'mean' | 'median' | 'accuracy'

export interface KpiDef {
  unit: 'ratio' | 'currency' | 'days' | 'hours'
  kind: KpiKind
  dims: readonly string[]
  /** Uses the [from, to] period; the others are positions as of `as_of`. */
  period: boolean
  /** Adds up money, converted to the reporting currency: its answer carries `fx_coverage`. */
  money?: boolean
  title: string
  definition: string
}

/** Unbilled WIP's age buckets by (as_of date − work_date) in days, young to old, as its SQL names them. */
export const AGE_BUCKETS = ['0-30', '31-60', '61-90', '91+'] as const

export const KPIS = {
  utilization: {
    unit: 'ratio', kind: 'ratio', dims: ['practice', 'region', 'resource', 'month'], period: true, title: 'Utilization',
    definition:
      'Σ hours of PSA time entries approved and billable with work_date in [from, to], over Σ capacity: for each HR resource, weekly_capacity_hours / 5 for every Monday–Friday in [from, to] on which it was employed. Only time of resources present in HR counts; practice and region come from HR.',
  },
  unbilled_wip: {
    unit: 'currency', kind: 'sum', dims: ['age', 'project', 'practice', 'month'], period: false, money: true, title: 'Unbilled WIP',
    definition:
      `Σ hours × bill_rate of ERP time entries approved, billable, with no invoice_key, work_date ≤ the date of as_of, on time-and-materials projects; by age bucket of (as_of date − work_date): ${AGE_BUCKETS.join(', ')} days.`,
  },
  backlog: {
    unit: 'currency', kind: 'sum', dims: ['project', 'practice', 'region'], period: false, money: true, title: 'Backlog',
    definition: 'Σ over ERP projects not closed with a budget_amount of max(budget_amount − Σ amounts of that project’s ERP invoices issued or paid, 0).',
  },
  billing_cycle_days: {
    unit: 'days', kind: 'mean', dims: ['month', 'practice'], period: true, title: 'Billing cycle',
    definition: 'Mean of (invoice_date − period_end) in days over ERP invoices issued or paid with invoice_date in [from, to] and a period_end.',
  },
  pipeline_to_project_hours: {
    unit: 'hours', kind: 'median', dims: ['month'], period: true, title: 'Pipeline to project',
    definition:
      'Median (the mean of the two middle values for an even count; p90 also given) of hours from an opportunity’s won_at to the earliest created_at of an ERP or PSA project with that opportunity_key, over opportunities won in [from, to] that have such a project.',
  },
  realization: {
    unit: 'ratio', kind: 'ratio', dims: ['project', 'practice', 'month'], period: true, money: true, title: 'Realization',
    definition:
      'Over ERP invoices issued or paid with invoice_date in [from, to] on time-and-materials projects: Σ (invoice amount − Σ amount of ERP billable expenses with that invoice_key), over Σ hours × bill_rate of the ERP time entries with that invoice_key.',
  },
  money_at_risk: {
    unit: 'currency', kind: 'sum', dims: ['rule', 'owner', 'severity', 'month'], period: false, money: true, title: 'Money at risk',
    definition: 'Σ amount_at_risk of open and acknowledged exceptions, as of the most recent detection run.',
  },
  gross_margin: {
    unit: 'ratio', kind: 'ratio', dims: ['project', 'practice', 'month'], period: true, money: true, title: 'Gross margin',
    definition:
      'Over ERP time entries approved and billable with work_date in [from, to] on time-and-materials projects whose resource has an HR cost_rate: (Σ hours × bill_rate − Σ hours × HR cost_rate) over Σ hours × bill_rate. Coverage: the hours of those entries over the hours of all such entries, with or without a cost rate.',
  },
  forecast_accuracy: {
    unit: 'ratio', kind: 'accuracy', dims: ['practice', 'project'], period: true, title: 'Forecast accuracy',
    definition:
      'Over PSA assignments active or completed with planned_hours > 0 and both dates set: planned = planned_hours × (Monday–Friday days of the assignment within [from, to]) / (its Monday–Friday days); actual = Σ hours of PSA time entries approved of that resource on that project in that overlap. 1 − Σ |actual − planned| / Σ planned.',
  },
  bench_capacity: {
    unit: 'ratio', kind: 'ratio', dims: ['practice', 'resource', 'week'], period: false, title: 'Bench capacity',
    definition:
      'Over the 20 Monday–Friday days after the date of as_of: for each active HR resource employed that day, its free capacity (weekly_capacity_hours / 5 less the daily planned hours of its active PSA assignments covering the day, at least 0), over its capacity: the share of the next four weeks with no planned work.',
  },
} satisfies Record<string, KpiDef>

export type KpiName = keyof typeof KPIS
export const KPI_NAMES = Object.keys(KPIS) as KpiName[]

export const COVERAGE_TEXT =
  'Share of the records behind the number (weighted by hours for utilization, by amount for money KPIs) that exist in both systems of their pair with equal values; 1.0 where the KPI reads one system only.'

// The answers of the finance endpoints: reconciliation (the match matrix and its records) and
// month-close readiness.
import type { KpiRow } from './api-types.ts'

export interface Comparison {
  pair: string
  entity: string
  title: string
  /** Names of the two sides ("PSA", "ERP"). */
  a: string
  b: string
  /** What the amounts measure ("hours × bill rate"). */
  amount: string
}

export interface MatchCounts {
  records: number
  matched: number
  only_a: number
  only_b: number
  differing: number
  breaking: number
  only_a_breaking?: number
  match_rate: number
  amount_a: number | null
  amount_b: number | null
  amount_diff: number | null
}

export type MatchRow = Comparison & MatchCounts

export interface ReconciliationAnswer {
  as_of: string
  from: string
  to: string
  items: MatchRow[]
}

export type MatchStatus = 'matched' | 'differing' | 'only_a' | 'only_b'

export interface ReconRecord {
  key: string
  status: MatchStatus
  rule: string | null
  period: string | null
  practice: string | null
  project_key: string | null
  currency: string
  amount_a: number | null
  amount_b: number | null
  amount_diff: number | null
  a: Record<string, unknown>
  b: Record<string, unknown>
}

export interface CloseAnswer {
  month: string
  from: string
  to: string
  as_of: string
  readiness: number
  ready: boolean
  blockers: Array<{ check: string; label: string; count: number; blocking: boolean }>
  time: MatchCounts
  invoices: MatchCounts
  unbilled_wip: { value: number | null; by_age: KpiRow[] }
  finance_exceptions: Array<{ rule: string; count: number; amount_at_risk: number; overdue: number }>
}

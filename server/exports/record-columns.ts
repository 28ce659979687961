// The columns of a reconciliation record export: the shared ones, both amounts and their
// difference in the record's currency, then in the reporting currency (CONTRACT §5 Currency),
// then each side's own fields.
import type { Column } from './columns.ts'

const BASE_RECORD_COLUMNS: Column[] = [
  { key: 'record_key', header: 'Key', type: 'text' },
  { key: 'status', header: 'Match', type: 'text' },
  { key: 'rule', header: 'Rule broken', type: 'text' },
  { key: 'period', header: 'Date', type: 'date' },
  { key: 'practice', header: 'Practice', type: 'text' },
  { key: 'project_key', header: 'Project', type: 'text' },
  { key: 'currency', header: 'Currency', type: 'text' },
]

const NUMERIC_FIELDS = /(hours|rate|amount|budget|total)$/

/** The record list's columns: the shared ones, then each side's fields as its query names them. */
export function recordColumns(a: string, b: string, keys: string[]): Column[] {
  const side = (prefix: string, label: string) =>
    keys
      .filter((k) => k.startsWith(prefix))
      .map((k) => ({ key: k, header: `${label} ${k.slice(2).replace(/_/g, ' ')}`, type: (NUMERIC_FIELDS.test(k) ? 'number' : 'text') as Column['type'] }))
  return [
    ...BASE_RECORD_COLUMNS,
    { key: 'amount_a', header: `${a} amount`, type: 'money' },
    { key: 'amount_b', header: `${b} amount`, type: 'money' },
    { key: 'amount_diff', header: 'Difference', type: 'money' },
    { key: 'reporting_currency', header: 'Reporting currency', type: 'text' },
    { key: 'amount_a_reporting', header: `${a} amount (reporting)`, type: 'money', currency: 'reporting_currency' },
    { key: 'amount_b_reporting', header: `${b} amount (reporting)`, type: 'money', currency: 'reporting_currency' },
    { key: 'amount_diff_reporting', header: 'Difference (reporting)', type: 'money', currency: 'reporting_currency' },
    ...side('a_', a),
    ...side('b_', b),
  ]
}

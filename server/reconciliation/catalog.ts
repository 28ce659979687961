// The system pairs and entities CONTRACT §6 compares, one SQL file each in sql/reconciliation.
// A comparison returns every record of either side with a status: matched, differing, only_a
// (only in the first system), only_b.
export interface Comparison {
  pair: string
  entity: string
  title: string
  a: string
  b: string
  /** What the amounts are, for the column headers. */
  amount: string
  /**
   * High-volume comparisons matched on the record key: their SQL reads both sides as a key
   * range, and an export walks the keys of `table` (rows of `kind`) slice by slice.
   */
  slices?: { table: string; kind: string }
}

export const COMPARISONS: Comparison[] = [
  { pair: 'psa-erp', entity: 'time_entry', title: 'Time entries', a: 'PSA', b: 'ERP', amount: 'hours × bill rate', slices: { table: 'entity_time_entry', kind: 'psa' } },
  { pair: 'psa-erp', entity: 'project', title: 'Projects', a: 'PSA', b: 'ERP', amount: 'budget' },
  { pair: 'psa-erp', entity: 'expense', title: 'Expenses', a: 'PSA', b: 'ERP', amount: 'amount', slices: { table: 'entity_expense', kind: 'psa' } },
  { pair: 'crm-erp', entity: 'opportunity', title: 'Won deals → ERP projects', a: 'CRM', b: 'ERP', amount: 'deal amount vs project budget' },
  { pair: 'crm-psa', entity: 'opportunity', title: 'Won deals → PSA projects', a: 'CRM', b: 'PSA', amount: 'deal amount vs project budget' },
  { pair: 'hr-psa', entity: 'resource', title: 'People', a: 'HR', b: 'PSA', amount: 'cost rate' },
  { pair: 'psa-erp', entity: 'assignment', title: 'Assignment rates vs rate cards', a: 'PSA', b: 'ERP', amount: 'bill rate × planned hours' },
  { pair: 'erp-erp', entity: 'invoice', title: 'Invoices vs their time and expenses', a: 'ERP invoice', b: 'ERP time + expenses', amount: 'amount' },
]

export function findComparison(pair: string, entity: string): Comparison | undefined {
  return COMPARISONS.find((c) => c.pair === pair && c.entity === entity)
}

export const comparisonFile = (c: Comparison) => `reconciliation/${c.pair}.${c.entity}.sql`

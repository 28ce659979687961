// The canonical model of CONTRACT §2 as data: one field list per entity. Both the zod schemas
// (entities.ts, for types and the web) and the compiled ingest validator (ingest/row-codec.ts,
// the hot path) are built from this one description, so they cannot drift apart.

export type FieldType =
  | { t: 'string'; max: number; min?: number }
  | { t: 'decimal'; gt?: number; max?: number }
  | { t: 'date' }
  | { t: 'datetime' }
  | { t: 'bool' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'currency' }

export interface FieldSpec {
  name: string
  type: FieldType
  optional: boolean
  /** Value stored when absent (decimal text), e.g. weekly_capacity_hours = 40. */
  default?: string
}

const S = (max = 1000): FieldType => ({ t: 'string', max })
const KEY: FieldType = { t: 'string', min: 1, max: 128 }
const DEC: FieldType = { t: 'decimal' }
const DATE: FieldType = { t: 'date' }
const DT: FieldType = { t: 'datetime' }
const BOOL: FieldType = { t: 'bool' }
const CUR: FieldType = { t: 'currency' }
const E = (...values: string[]): FieldType => ({ t: 'enum', values })
const APPROVAL = E('draft', 'submitted', 'approved', 'rejected')

/** `name` required, `name?` optional. */
function fields(def: Record<string, FieldType>, defaults: Record<string, string> = {}): FieldSpec[] {
  return Object.entries(def).map(([n, type]) => {
    const name = n.replace(/\?$/, '')
    return { name, type, optional: n.endsWith('?'), default: defaults[name] }
  })
}

export const COMMON: FieldSpec[] = fields({ key: KEY, 'native_id?': S(256), 'updated_at?': DT, 'deleted?': BOOL })

export const ENTITY_SPECS = {
  account: fields({ name: S(), 'parent_key?': S(128), 'region?': S(128), 'status?': E('active', 'inactive') }),
  opportunity: fields({
    account_key: S(128), name: S(), stage: S(128), amount: DEC, currency: CUR, close_date: DATE,
    is_won: BOOL, is_closed: BOOL, 'won_at?': DT, 'owner_email?': S(320),
  }),
  project: fields({
    'account_key?': S(128), 'opportunity_key?': S(128), name: S(),
    status: E('planned', 'active', 'on_hold', 'closed'),
    billing_type: E('time_and_materials', 'fixed_fee', 'non_billable'),
    'start_date?': DATE, 'end_date?': DATE, 'budget_hours?': DEC, 'budget_amount?': DEC, 'currency?': CUR,
    'practice?': S(128), 'region?': S(128), 'manager_email?': S(320), 'created_at?': DT,
  }),
  resource: fields(
    {
      name: S(), 'email?': S(320), 'practice?': S(128), 'region?': S(128),
      employment_type: E('employee', 'contractor'), status: E('active', 'terminated'),
      'hire_date?': DATE, 'termination_date?': DATE, 'weekly_capacity_hours?': DEC, 'cost_rate?': DEC, 'currency?': CUR,
    },
    { weekly_capacity_hours: '40' },
  ),
  assignment: fields({
    project_key: S(128), resource_key: S(128), 'role?': S(128), start_date: DATE, 'end_date?': DATE,
    'planned_hours?': DEC, 'bill_rate?': DEC, 'currency?': CUR, status: E('active', 'completed', 'cancelled'),
  }),
  rate_card: fields({
    project_key: S(128), role: S(128), bill_rate: DEC, currency: CUR, 'effective_from?': DATE, 'effective_to?': DATE,
  }),
  time_entry: fields({
    resource_key: S(128), project_key: S(128), work_date: DATE, hours: { t: 'decimal', gt: 0, max: 24 },
    billable: BOOL, status: APPROVAL, 'bill_rate?': DEC, 'currency?': CUR, 'approved_at?': DT, 'invoice_key?': S(128),
  }),
  expense: fields({
    resource_key: S(128), project_key: S(128), expense_date: DATE, amount: DEC, currency: CUR,
    billable: BOOL, status: APPROVAL, 'invoice_key?': S(128),
  }),
  invoice: fields({
    'account_key?': S(128), project_key: S(128), invoice_date: DATE, 'period_start?': DATE, 'period_end?': DATE,
    amount: DEC, currency: CUR, status: E('draft', 'issued', 'paid', 'void'), 'due_date?': DATE, 'paid_at?': DT,
  }),
  // Units of the reporting currency for one unit of `currency` on `rate_date` (CONTRACT §5 Currency).
  // At most 10^7 (real pairs stay under ~10^6): an amount times a rate must fit the engine's
  // exact decimals, and a typo of 10^29 would fail every conversion that met it.
  fx_rate: fields({ currency: CUR, rate_date: DATE, rate: { t: 'decimal', gt: 0, max: 10_000_000 } }),
} satisfies Record<string, FieldSpec[]>

export type EntityName = keyof typeof ENTITY_SPECS
export const ENTITY_NAMES = Object.keys(ENTITY_SPECS) as EntityName[]

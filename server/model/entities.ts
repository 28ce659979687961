// The canonical entities of CONTRACT §2: one zod schema each, shared by ingest, server and web.
// Column names in sql/migrations match these field names one to one (test/model.int.test.ts).
import { z } from 'zod'
import { bool, currency, date, datetime, decimal, oneOf, opt, str } from './fields.ts'

export const SOURCE_KINDS = ['crm', 'erp', 'psa', 'hr'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]

const common = {
  key: z
    .string({ error: 'expected a string' })
    .min(1, { message: 'must not be empty' })
    .max(128, { message: 'longer than 128 characters' }),
  native_id: opt(str(256)),
  updated_at: opt(datetime),
  deleted: opt(bool),
}

const approval = oneOf(['draft', 'submitted', 'approved', 'rejected'])

export const entitySchemas = {
  account: z.object({
    ...common,
    name: str(),
    parent_key: opt(str(128)),
    region: opt(str(128)),
    status: opt(oneOf(['active', 'inactive'])),
  }),
  opportunity: z.object({
    ...common,
    account_key: str(128),
    name: str(),
    stage: str(128),
    amount: decimal,
    currency,
    close_date: date,
    is_won: bool,
    is_closed: bool,
    won_at: opt(datetime),
    owner_email: opt(str(320)),
  }),
  project: z.object({
    ...common,
    account_key: opt(str(128)),
    opportunity_key: opt(str(128)),
    name: str(),
    status: oneOf(['planned', 'active', 'on_hold', 'closed']),
    billing_type: oneOf(['time_and_materials', 'fixed_fee', 'non_billable']),
    start_date: opt(date),
    end_date: opt(date),
    budget_hours: opt(decimal),
    budget_amount: opt(decimal),
    currency: opt(currency),
    practice: opt(str(128)),
    region: opt(str(128)),
    manager_email: opt(str(320)),
    created_at: opt(datetime),
  }),
  resource: z.object({
    ...common,
    name: str(),
    email: opt(str(320)),
    practice: opt(str(128)),
    region: opt(str(128)),
    employment_type: oneOf(['employee', 'contractor']),
    status: oneOf(['active', 'terminated']),
    hire_date: opt(date),
    termination_date: opt(date),
    // Contract: defaults to 40 when absent.
    weekly_capacity_hours: decimal.optional().nullable().transform((v) => v ?? '40'),
    cost_rate: opt(decimal),
    currency: opt(currency),
  }),
  assignment: z.object({
    ...common,
    project_key: str(128),
    resource_key: str(128),
    role: opt(str(128)),
    start_date: date,
    end_date: opt(date),
    planned_hours: opt(decimal),
    bill_rate: opt(decimal),
    currency: opt(currency),
    status: oneOf(['active', 'completed', 'cancelled']),
  }),
  rate_card: z.object({
    ...common,
    project_key: str(128),
    role: str(128),
    bill_rate: decimal,
    currency,
    effective_from: opt(date),
    effective_to: opt(date),
  }),
  time_entry: z.object({
    ...common,
    resource_key: str(128),
    project_key: str(128),
    work_date: date,
    hours: decimal.refine((h) => Number(h) > 0 && Number(h) <= 24, { message: 'must be more than 0 and at most 24' }),
    billable: bool,
    status: approval,
    bill_rate: opt(decimal),
    currency: opt(currency),
    approved_at: opt(datetime),
    invoice_key: opt(str(128)),
  }),
  expense: z.object({
    ...common,
    resource_key: str(128),
    project_key: str(128),
    expense_date: date,
    amount: decimal,
    currency,
    billable: bool,
    status: approval,
    invoice_key: opt(str(128)),
  }),
  invoice: z.object({
    ...common,
    account_key: opt(str(128)),
    project_key: str(128),
    invoice_date: date,
    period_start: opt(date),
    period_end: opt(date),
    amount: decimal,
    currency,
    status: oneOf(['draft', 'issued', 'paid', 'void']),
    due_date: opt(date),
    paid_at: opt(datetime),
  }),
} as const

export type EntityName = keyof typeof entitySchemas
export const ENTITY_NAMES = Object.keys(entitySchemas) as EntityName[]
export type Entity<E extends EntityName> = z.output<(typeof entitySchemas)[E]>

/** A tombstone in a delta batch needs only the common fields. */
export const tombstoneSchema = z.object(common)

export function isEntityName(s: string): s is EntityName {
  return Object.hasOwn(entitySchemas, s)
}

/** Field names of an entity, in schema order: the typed columns of its table. */
export function entityFields(e: EntityName): string[] {
  return Object.keys(entitySchemas[e].shape)
}

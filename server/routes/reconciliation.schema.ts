// The reconciliation routes' contract (CONTRACT §6): the system-pair match matrix (or one
// comparison by a dimension) and the record-level list with both sides' values.
import { createRoute } from '@hono/zod-openapi'
import { answers, cursor, decimal, limit, list, period, z } from '../http/schemas.ts'
import { COMPARISONS } from '../reconciliation/catalog.ts'
import { RULE_NAMES, type RuleName } from '../rules/catalog.ts'

const unique = (xs: string[]) => [...new Set(xs)] as [string, ...string[]]
export const PAIRS = unique(COMPARISONS.map((c) => c.pair))
export const ENTITIES = unique(COMPARISONS.map((c) => c.entity))
export const MATCH_STATUSES = ['matched', 'differing', 'only_a', 'only_b'] as const
export const BY = ['period', 'practice', 'project'] as const

/**
 * A list filter of closed values, checked as a whole: the 400 names the parameter (`status`,
 * not `status[1]` as list(values) would) and the value that is not one of them.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return list()
    .refine((vs) => !vs || vs.every((v) => values.includes(v)), {
      error: (issue) => `'${(issue.input as string[]).find((v) => !values.includes(v))}' is not one of ${values.join(', ')}`,
    })
    .transform((vs) => vs as T[number][] | undefined)
    .openapi({ type: 'array', items: { type: 'string', enum: [...values] }, description: 'Repeat the parameter or separate values by commas.' })
}

/** `decimal.nullable()` loses its null in the document (decimal's type is set): say it again. */
const decimalOrNull = decimal.nullable().openapi({ type: ['number', 'null'] })

const pair = z.enum(PAIRS, { error: `expected one of ${PAIRS.join(', ')}` }).openapi({ description: 'The system pair (default psa-erp); with `entity`, one of the comparisons.' })
const entity = z.enum(ENTITIES, { error: `expected one of ${ENTITIES.join(', ')}` }).openapi({ description: 'The entity compared (default time_entry).' })

/** The filters of the record list, also those of its export. */
export const recordFilters = {
  pair: pair.optional(),
  entity: entity.optional(),
  status: oneOf(MATCH_STATUSES),
  practice: z.string().optional(),
  project: z.string().optional().openapi({ description: 'A project key.' }),
  q: z.string().optional().openapi({ description: 'Part of the record key, any case.' }),
  ...period,
}

const comparison = {
  pair,
  entity,
  title: z.string(),
  a: z.string().openapi({ description: 'The first system\'s name ("PSA").' }),
  b: z.string().openapi({ description: 'The second system\'s name ("ERP").' }),
  amount: z.string().openapi({ description: 'What the amounts measure ("hours × bill rate").' }),
}

const counts = {
  records: z.number().int(),
  matched: z.number().int(),
  only_a: z.number().int().openapi({ description: 'Only in system a.' }),
  only_b: z.number().int().openapi({ description: 'Only in system b.' }),
  differing: z.number().int(),
  breaking: z.number().int().openapi({ description: 'Records that break a reconciliation rule.' }),
  only_a_breaking: z.number().int().openapi({ description: 'Of only_a, those that break a rule (e.g. approved PSA time missing in the ERP).' }),
  match_rate: z.number().openapi({ description: 'matched ÷ records; 1 when there are none.' }),
  amount_a: decimal,
  amount_b: decimal,
  amount_diff: decimal.openapi({ description: 'amount_a − amount_b.' }),
  fx_coverage: z.number().openapi({ description: 'Share (0–1) of the records whose amounts converted to the reporting currency; the others are left out of the amounts.' }),
}

// Composed from shapes, not by extending the named schemas: their allOf would carry two
// `additionalProperties: false` that refuse each other's fields.
export const Comparison = z.strictObject(comparison).openapi('ReconciliationComparison')
export const MatchCounts = z.strictObject(counts).openapi('MatchCounts')

const MatchGroup = z
  .strictObject({ group: z.string().openapi({ description: 'The month (YYYY-MM-01), practice or project key; (none) when it has none.' }), ...counts })
  .openapi('MatchGroup')
const Total = z.strictObject({ ...comparison, ...counts }).openapi('ReconciliationTotal', { description: 'A comparison in total (no `by`).' })
const Breakdown = z.strictObject({ ...comparison, rows: z.array(MatchGroup) }).openapi('ReconciliationBreakdown', { description: 'A comparison by `by`.' })

export const ReconciliationAnswer = z
  .strictObject({
    as_of: z.string(),
    from: z.string(),
    to: z.string(),
    by: z.enum(BY).nullable(),
    currency: z.string().openapi({ description: 'The reporting currency (config reporting_currency) the amounts are in.' }),
    items: z.array(z.union([Total, Breakdown])),
    next_cursor: z.null(),
  })
  .openapi('Reconciliation')

export const ReconciliationRecord = z
  .strictObject({
    key: z.string(),
    status: z.enum(MATCH_STATUSES),
    rule: z.enum(RULE_NAMES as [RuleName, ...RuleName[]]).nullable().openapi({ description: 'The reconciliation rule the record breaks.' }),
    period: z.string().nullable().openapi({ format: 'date', description: 'The record\'s date; null for records without one (people).' }),
    practice: z.string().nullable(),
    project_key: z.string().nullable(),
    currency: z.string().nullable(),
    amount_a: decimalOrNull,
    amount_b: decimalOrNull,
    amount_diff: decimalOrNull,
    amount_a_reporting: decimalOrNull.openapi({ description: 'amount_a in the reporting currency at the record\'s date; null when its currency has no rate.' }),
    amount_b_reporting: decimalOrNull,
    amount_diff_reporting: decimalOrNull,
    a: z.record(z.string(), z.any()).openapi({ description: 'System a\'s values; the fields depend on the comparison.' }),
    b: z.record(z.string(), z.any()).openapi({ description: 'System b\'s values; the fields depend on the comparison.' }),
  })
  .openapi('ReconciliationRecord')

export const ReconciliationRecords = z
  .strictObject({
    comparison: Comparison,
    reporting_currency: z.string().openapi({ description: 'The currency of the records\' *_reporting amounts (config reporting_currency).' }),
    items: z.array(ReconciliationRecord),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .openapi('ReconciliationRecords')

export const matrix = createRoute({
  method: 'get',
  path: '/',
  summary: 'The system-pair match matrix, or one comparison by a dimension',
  request: {
    query: z.strictObject({
      pair: pair.optional(),
      entity: entity.optional(),
      by: z.enum(BY, { error: 'expected period, practice or project' }).optional().openapi({ description: 'Break one comparison down by month, practice or project.' }),
      ...period,
    }),
  },
  responses: answers(ReconciliationAnswer, 'Every comparison (or the one of pair/entity) over the period'),
})

export const recordList = createRoute({
  method: 'get',
  path: '/records',
  summary: 'One comparison\'s records, both sides\' values side by side',
  request: { query: z.strictObject({ ...recordFilters, limit: limit(100, 10_000), cursor }) },
  responses: answers(ReconciliationRecords, 'A page of records in key order'),
})

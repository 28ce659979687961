// The month-close route's contract (CONTRACT §6): what blocks closing a month, and how ready it is.
import { createRoute } from '@hono/zod-openapi'
import { answers, asOf, decimal, z } from '../http/schemas.ts'
import { AGE_BUCKETS, CLOSE_CHECKS, FINANCE_RULES } from '../reconciliation/close.ts'
import { MatchCounts } from './reconciliation.schema.ts'

const Blocker = z
  .strictObject({
    check: z.enum(CLOSE_CHECKS),
    label: z.string(),
    count: z.number().int(),
    blocking: z.boolean().openapi({ description: 'Whether it keeps the month from closing (unapproved time never does).' }),
  })
  .openapi('CloseBlocker')

const WipBucket = z.strictObject({
  group: z.enum(AGE_BUCKETS).openapi({ description: 'Days since the work date, at as_of.' }),
  value: decimal,
  numerator: decimal,
  denominator: z.null().openapi({ description: 'A sum has none.' }),
})

export const CloseAnswer = z
  .strictObject({
    month: z.string().openapi({ example: '2026-06' }),
    from: z.string().openapi({ format: 'date' }),
    to: z.string().openapi({ format: 'date' }),
    as_of: z.string().openapi({ format: 'date-time', description: 'The month\'s last moment, or as_of while the month is running.' }),
    currency: z.string().openapi({ description: 'The reporting currency (config reporting_currency) every amount is in.' }),
    readiness: z.number().openapi({ description: 'Share (0–1) of the month\'s time entries and invoices that reconcile; 1 when there are none.' }),
    ready: z.boolean().openapi({ description: 'No blocker blocks.' }),
    blockers: z.array(Blocker),
    time: MatchCounts.openapi({ description: 'PSA ↔ ERP time entries of the month.' }),
    invoices: MatchCounts.openapi({ description: 'ERP invoices of the month against their time and expenses.' }),
    unbilled_wip: z
      .strictObject({ value: decimal, fx_coverage: z.number().openapi({ description: 'Share (0–1) of the entries behind it that converted.' }), by_age: z.array(WipBucket) }).openapi({ description: 'Unbilled WIP at as_of, by age.' }),
    finance_exceptions: z.array(
      z.strictObject({
        rule: z.enum(FINANCE_RULES),
        count: z.number().int(),
        amount_at_risk: decimal.openapi({ description: 'In the reporting currency; exceptions with no rate are left out.' }),
        overdue: z.number().int().openapi({ description: 'Past their due time now.' }),
      }),
    ).openapi({ description: 'Open and acknowledged exceptions of the finance rules, whatever their dates; most money first.' }),
  })
  .openapi('CloseReadiness')

export const readiness = createRoute({
  method: 'get',
  path: '/',
  summary: 'What blocks closing a month',
  request: {
    query: z.strictObject({
      month: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'expected YYYY-MM' })
        .optional()
        .openapi({ example: '2026-06', description: 'The month (default: the month of as_of).' }),
      as_of: asOf,
    }),
  },
  responses: answers(CloseAnswer, 'The month\'s blockers and readiness'),
})

// The KPI routes' contract (CONTRACT §5): the catalogue, and one KPI with its rows and coverage.
import { createRoute } from '@hono/zod-openapi'
import { answers, cursor, date, decimal, limit, listAnswer, period, z } from '../http/schemas.ts'
import { KPI_NAMES } from '../kpis/catalog.ts'

const kpiName = z.enum(KPI_NAMES as [string, ...string[]])

export const KpiDefinition = z
  .strictObject({
    name: kpiName,
    unit: z.enum(['ratio', 'currency', 'days', 'hours']),
    kind: z.enum(['ratio', 'sum', 'mean', 'median', 'accuracy']),
    dims: z.array(z.string()).openapi({ description: 'What `by` may be.' }),
    period: z.boolean().openapi({ description: 'Reads [from, to]; the others are positions as of `as_of`.' }),
    money: z.boolean().optional().openapi({ description: 'Adds up money in the reporting currency; its answers carry fx_coverage.' }),
    title: z.string(),
    definition: z.string(),
    coverage: z.string(),
  })
  .openapi('KpiDefinition')

const row = z.strictObject({
  group: z.string(),
  value: z.number().nullable(),
  numerator: decimal.nullable(),
  denominator: decimal.nullable(),
  n: z.number().int().optional().openapi({ description: 'Medians: how many values.' }),
  p90: z.number().nullable().optional(),
})

export const KpiAnswer = z
  .strictObject({
    as_of: z.string(),
    kpi: kpiName,
    unit: z.enum(['ratio', 'currency', 'days', 'hours']),
    value: z.number().nullable().openapi({ description: 'numerator ÷ denominator (ratios, means), the numerator (sums), or the median. Exact for sums.' }),
    numerator: decimal.nullable(),
    denominator: decimal.nullable(),
    rows: z.array(row),
    coverage: z.number().openapi({ description: 'Share (0–1) of the records behind the number that agree in both systems of their pair.' }),
    currency: z.string().openapi({ description: 'The reporting currency (config reporting_currency) money is converted to.' }),
    fx_coverage: z
      .number()
      .optional()
      .openapi({ description: 'Money KPIs: share (0–1) of the records behind the number that could be converted to the reporting currency.' }),
    target: z.number().nullable().openapi({ description: 'The config target for this KPI (config `targets`, in its unit), null when none.' }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    by: z.string().nullable(),
    n: z.number().int().optional(),
    p90: z.number().nullable().optional(),
    median_low: z.number().nullable().optional(),
    median_high: z.number().nullable().optional(),
  })
  .openapi('KpiAnswer')

export const catalogue = createRoute({
  method: 'get',
  path: '/',
  summary: 'The KPI catalogue, with definitions',
  responses: answers(listAnswer(KpiDefinition), 'Every KPI'),
})

export const one = createRoute({
  method: 'get',
  path: '/{name}',
  summary: 'One KPI, in total or by a dimension',
  request: {
    params: z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'utilization' }) }),
    query: z.strictObject({ ...period, by: z.string().optional().openapi({ description: 'One of the KPI\'s dims.' }) }),
  },
  responses: answers(KpiAnswer, 'The KPI as of as_of'),
})

const money = decimal.nullable()

export const GrossMarginRecord = z
  .strictObject({
    key: z.string(),
    project: z.string(),
    practice: z.string(),
    resource: z.string(),
    work_date: date,
    hours: decimal,
    revenue: decimal.openapi({ description: 'hours × bill_rate, in `currency`.' }),
    cost: money.openapi({ description: 'hours × the HR cost_rate, in `cost_currency`; null without a cost rate (then counted for coverage only).' }),
    currency: z.string(),
    cost_currency: z.string().nullable(),
    revenue_reporting: money.openapi({ description: 'revenue in the reporting currency at work_date; null without a rate.' }),
    cost_reporting: money,
    converted: z.boolean().openapi({ description: 'Every amount of the entry converted; if not, it is left out of the number.' }),
  })
  .openapi('GrossMarginRecord')

export const ForecastAccuracyRecord = z
  .strictObject({
    key: z.string().openapi({ description: 'The assignment.' }),
    project: z.string(),
    resource: z.string(),
    practice: z.string(),
    planned: decimal,
    actual: decimal,
    abs_error: decimal,
  })
  .openapi('ForecastAccuracyRecord')

export const BenchCapacityRecord = z
  .strictObject({
    key: z.string().openapi({ description: 'The HR resource.' }),
    name: z.string(),
    practice: z.string(),
    free_hours: decimal,
    capacity: decimal,
    weeks: z.array(z.strictObject({ week: z.string().openapi({ example: '2026-W26' }), free_hours: decimal })),
  })
  .openapi('BenchCapacityRecord')

export const UtilizationRecord = z
  .strictObject({
    key: z.string(),
    resource: z.string(),
    practice: z.string(),
    region: z.string(),
    project: z.string(),
    work_date: date,
    hours: decimal,
    reconciled: z.boolean().openapi({ description: 'Its ERP copy exists with equal hours (coverage).' }),
  })
  .openapi('UtilizationRecord')

export const KpiRecords = listAnswer(z.union([UtilizationRecord, GrossMarginRecord, ForecastAccuracyRecord, BenchCapacityRecord])).openapi('KpiRecords')

export const records = createRoute({
  method: 'get',
  path: '/{name}/records',
  summary: 'The records behind a KPI: time entries (utilization, gross_margin), assignments (forecast_accuracy), people (bench_capacity)',
  request: {
    params: z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'gross_margin' }) }),
    query: z.strictObject({
      ...period,
      by: z.string().optional().openapi({ description: 'With `group`: one of the KPI\'s dims.' }),
      group: z.string().max(1000).optional().openapi({ description: 'Only the records of this row of `by` (e.g. by=practice&group=Strategy).' }),
      limit: limit(100, 1000),
      cursor,
    }),
  },
  responses: answers(KpiRecords, 'A page of records in key order'),
})

export const WeeklyAnswer = z
  .strictObject({
    as_of: z.string(),
    from: z.string(),
    to: z.string(),
    practice: z.string().nullable(),
    project: z.string().nullable(),
    items: z.array(z.strictObject({ week: z.string().openapi({ example: '2026-W26' }), planned: decimal, actual: decimal })),
  })
  .openapi('ForecastWeekly')

export const weekly = createRoute({
  method: 'get',
  path: '/forecast_accuracy/weekly',
  summary: 'Planned against actual hours per ISO week of [from, to], for a practice, a project or the firm',
  request: {
    query: z.strictObject({
      ...period,
      practice: z.string().max(1000).optional().openapi({ description: 'An HR practice.' }),
      project: z.string().max(1000).optional().openapi({ description: 'A project key.' }),
    }),
  },
  responses: answers(WeeklyAnswer, 'Every ISO week the period touches, in order'),
})

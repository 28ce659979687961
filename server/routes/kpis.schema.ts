// The KPI routes' contract (CONTRACT §5): the catalogue, and one KPI with its rows and coverage.
import { createRoute } from '@hono/zod-openapi'
import { answers, decimal, listAnswer, period, z } from '../http/schemas.ts'
import { KPI_NAMES } from '../kpis/catalog.ts'

const kpiName = z.enum(KPI_NAMES as [string, ...string[]])

export const KpiDefinition = z
  .strictObject({
    name: kpiName,
    unit: z.enum(['ratio', 'currency', 'days', 'hours']),
    kind: z.enum(['ratio', 'sum', 'mean', 'median']),
    dims: z.array(z.string()).openapi({ description: 'What `by` may be.' }),
    period: z.boolean().openapi({ description: 'Reads [from, to]; the others are positions as of `as_of`.' }),
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

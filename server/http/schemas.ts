// The pieces every route's request and answer schemas are made of, once: dates and times,
// periods, cursors and limits, list filters, exact money, lists and errors. Routes declare their
// contract with these (server/routes/*.schema.ts); the OpenAPI document is generated from it.
import { z } from '@hono/zod-openapi'
import { parseDatetime } from '../lib/time.ts'
import { isCalendarDate } from '../model/fields.ts'

export { z }

export const dateTime = z
  .string()
  .refine((s) => parseDatetime(s) !== null, { message: 'expected an ISO-8601 datetime with Z or an offset' })
  .openapi({ format: 'date-time', example: '2026-06-30T12:00:00Z' })

export const date = z
  .string()
  .refine(isCalendarDate, { message: 'expected a date YYYY-MM-DD' })
  .openapi({ format: 'date', example: '2026-06-30' })

/** `as_of`: every KPI, rule and finance view takes it (CONTRACT §4); absent means now. */
export const asOf = dateTime.optional().openapi({ description: 'The time the answer is as of (ISO-8601 with Z or an offset); now when absent.' })

/** A period [from, to] and its as_of; from/to default to the year to date of as_of. */
export const period = {
  from: date.optional().openapi({ description: 'First day (default: 1 January of `to`).' }),
  to: date.optional().openapi({ description: 'Last day, inclusive (default: the date of `as_of`).' }),
  as_of: asOf,
}

export const cursor = z.string().optional().openapi({ description: 'The `next_cursor` of the previous page, unchanged.' })

/** A ClickHouse DateTime64 as the engine writes it, with a real calendar date: a list's position. */
const chTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/)
  .refine((s) => {
    const [y, m, d] = s.slice(0, 10).split('-').map(Number)
    const t = new Date(Date.UTC(y, m - 1, d))
    return y >= 1900 && y <= 2299 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && Number(s.slice(11, 13)) < 24 && Number(s.slice(14, 16)) < 60 && Number(s.slice(17, 19)) < 60
  })

/**
 * What each list's cursor holds once decoded (http/cursor.ts checks it): the sort key of the
 * page's last item. A crafted cursor of the wrong shape is a 400, never a query the engine fails.
 */
export const cursorShapes = {
  exceptions: z.tuple([z.number().finite(), z.string().max(200)]),
  transactions: z.tuple([chTime, z.string().max(200)]),
  deadLetters: z.tuple([chTime, z.string().max(200)]),
  audit: z.tuple([chTime, z.string().max(200)]),
  records: z.tuple([z.string().max(10_000)]),
} as const

export const limit = (dflt: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from 1 to ${max}` })
    .int({ error: `expected an integer from 1 to ${max}` })
    .min(1, { error: `expected an integer from 1 to ${max}` })
    .max(max, { error: `expected an integer from 1 to ${max}` })
    .default(dflt)
    .openapi({ type: 'integer', minimum: 1, maximum: max, default: dflt })

/** A list filter: repeated (?rule=a&rule=b) or comma-separated (?rule=a,b); optional values it must be one of. */
export function list<const T extends readonly [string, ...string[]]>(values?: T) {
  const item = values ? z.enum(values, { error: `expected one of ${values.join(', ')}` }) : z.string()
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item))
    .optional()
    .openapi({ type: 'array', items: values ? { type: 'string', enum: [...values] } : { type: 'string' }, description: 'Repeat the parameter or separate values by commas.' })
}

export const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1')
  .optional()
  .openapi({ type: 'boolean' })

/**
 * Money and other exact decimals: a JSON number whose digits are the stored value exactly
 * (ClickHouse Decimal, never a float on the way). Parse with a decimal-aware reader to keep
 * every digit.
 */
export const decimal = z.number().openapi({ type: 'number', format: 'decimal', description: 'An exact decimal: the digits are the stored value.' })

export const listAnswer = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }) })

export const errorAnswer = z
  .strictObject({
    error: z.strictObject({
      code: z.string().openapi({ example: 'bad_parameter' }),
      message: z.string().openapi({ example: 'by: utilization breaks down by practice, region, resource, month, not \'colour\'.' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error')

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })

/** A route's answer: 200 with `schema`, and the errors any route may answer. */
export function answers<T extends z.ZodType>(schema: T, description: string) {
  return {
    200: json(schema, description),
    400: json(errorAnswer, 'A parameter or the body is not valid; the message names it.'),
    401: json(errorAnswer, 'No valid credentials.'),
    403: json(errorAnswer, 'The caller\'s role may not do this.'),
    404: json(errorAnswer, 'Nothing found.'),
  } as const
}

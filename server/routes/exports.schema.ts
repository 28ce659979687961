// The export routes' contract (CONTRACT §6): the exception list and the reconciliation records
// as CSV or XLSX downloads, with the same filters as the lists.
import { createRoute } from '@hono/zod-openapi'
import { answers, errorAnswer, z } from '../http/schemas.ts'
import { RULE_NAMES, SEVERITIES, type RuleName } from '../rules/catalog.ts'
import { exceptionFilters, sort, STATUSES } from './exceptions.schema.ts'
import { oneOf, recordFilters } from './reconciliation.schema.ts'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

// The errors any route may answer (answers() without its JSON 200).
const { 200: _, ...errors } = answers(errorAnswer, '')

const csv = (description: string) => ({
  ...errors,
  200: {
    description,
    content: { 'text/csv': { schema: z.string().openapi({ description: 'UTF-8 with a BOM, CRLF line ends: a header row, then one row per item.' }) } },
  },
})

const xlsx = (description: string) => ({
  ...errors,
  200: {
    description,
    content: { [XLSX_TYPE]: { schema: z.string().openapi({ type: 'string', format: 'binary', description: 'A workbook: the rows (frozen header, filters), and a sheet about the export.' }) } },
  } as { description: string; content: Record<typeof XLSX_TYPE, { schema: z.ZodString }> },
})

// The list's filters and sort, with the closed lists checked as a whole so a 400 names the
// parameter (oneOf in reconciliation.schema.ts); no limit or cursor: an export holds every row.
const exceptionQuery = z.strictObject({
  ...exceptionFilters,
  rule: oneOf(RULE_NAMES as [RuleName, ...RuleName[]]),
  status: oneOf([...STATUSES, 'all']).openapi({ description: 'Default: open and acknowledged. `all`: every status.' }),
  severity: oneOf(SEVERITIES),
  sort,
})

const recordQuery = z.strictObject(recordFilters)

export type ExceptionQuery = z.output<typeof exceptionQuery>
export type RecordQuery = z.output<typeof recordQuery>

export const exceptionsCsv = createRoute({
  method: 'get',
  path: '/exceptions.csv',
  summary: 'The exception list as CSV',
  request: { query: exceptionQuery },
  responses: csv('Every exception of the list\'s filters, in its order'),
})

export const exceptionsXlsx = createRoute({
  method: 'get',
  path: '/exceptions.xlsx',
  summary: 'The exception list as XLSX',
  request: { query: exceptionQuery },
  responses: xlsx('Every exception of the list\'s filters, in its order'),
})

export const reconciliationCsv = createRoute({
  method: 'get',
  path: '/reconciliation.csv',
  summary: 'One comparison\'s records as CSV',
  request: { query: recordQuery },
  responses: csv('Every record of the record list\'s filters, both sides\' values side by side'),
})

export const reconciliationXlsx = createRoute({
  method: 'get',
  path: '/reconciliation.xlsx',
  summary: 'One comparison\'s records as XLSX',
  request: { query: recordQuery },
  responses: xlsx('Every record of the record list\'s filters, both sides\' values side by side'),
})

// The transaction routes' contract: the list, workflow health, and one transaction with its
// spans and the open exceptions of its entity.
import { createRoute } from '@hono/zod-openapi'
import { answers, cursor, decimal, limit, listAnswer, z } from '../http/schemas.ts'
import { parseDatetime } from '../lib/time.ts'
import { SEVERITIES } from '../rules/catalog.ts'

export const WORKFLOW_STATUSES = ['ok', 'failed'] as const
export const HEALTH_BY = ['workflow', 'day', 'workflow_day'] as const

/** An instant: an ISO-8601 datetime, or a date meaning its midnight UTC. */
export function instantOf(v: string): Date | null {
  return parseDatetime(v) ?? (/^\d{4}-\d{2}-\d{2}$/.test(v) ? parseDatetime(`${v}T00:00:00Z`) : null)
}

const instant = z
  .string()
  // Empty is absent, as the dashboard's links may leave it.
  .refine((v) => v === '' || instantOf(v) !== null, { error: 'expected an ISO-8601 datetime or a date YYYY-MM-DD' })
  .optional()
  .openapi({ description: 'An ISO-8601 datetime, or a date (its midnight UTC).', example: '2026-06-30T12:00:00Z' })

/** Free-form JSON values by name (OpenTelemetry attributes). */
const attributes = z.record(z.string(), z.any()).openapi({ description: 'Attribute values by name: typed as sent, or as text from an exporter.' })

export const Transaction = z
  .strictObject({
    trace_id: z.string().openapi({ description: '32 hex characters.' }),
    workflow: z.string().nullable(),
    entity_type: z.string().nullable(),
    entity_key: z.string().nullable(),
    status: z.enum(WORKFLOW_STATUSES),
    systems: z.array(z.string()),
    started_at: z.string().nullable().openapi({ format: 'date-time' }),
    duration_ms: z.number(),
    failed_step: z.string().nullable().openapi({ description: 'The span that failed; null unless failed.' }),
    error_message: z.string().nullable(),
    attempt: z.number().int().openapi({ description: 'Its number among the transactions of its workflow and entity, oldest first.' }),
    spans: z.number().int().openapi({ description: 'How many spans it has.' }),
  })
  .openapi('Transaction')

export const HealthRow = z
  .strictObject({
    workflow: z.string().nullable().openapi({ description: 'null unless by workflow or workflow_day.' }),
    day: z.string().nullable().openapi({ format: 'date', description: 'null unless by day or workflow_day.' }),
    transactions: z.number().int(),
    failed: z.number().int(),
    failure_rate: z.number(),
    p50_ms: z.number(),
    p95_ms: z.number(),
  })
  .openapi('WorkflowHealthRow')

export const WorkflowHealth = z
  .strictObject({
    by: z.enum(HEALTH_BY),
    from: z.string().openapi({ format: 'date-time' }),
    to: z.string().openapi({ format: 'date-time' }),
    items: z.array(HealthRow),
    next_cursor: z.null(),
  })
  .openapi('WorkflowHealth')

const Span = z
  .strictObject({
    span_id: z.string(),
    parent_span_id: z.string().nullable(),
    name: z.string(),
    kind: z.string(),
    service: z.string(),
    started_at: z.string().nullable().openapi({ format: 'date-time' }),
    offset_ms: z.number().openapi({ description: 'After the trace\'s first span.' }),
    duration_ms: z.number(),
    status: z.string().openapi({ description: 'The OpenTelemetry status code (Unset, Ok, Error).' }),
    status_message: z.string().nullable(),
    attributes,
    resource: attributes,
    scope: z.strictObject({ name: z.string(), version: z.string() }),
    trace_state: z.string().nullable(),
    events: z.array(z.strictObject({ name: z.string(), at: z.string().nullable().openapi({ format: 'date-time' }), attributes })),
    links: z.array(z.strictObject({ trace_id: z.string(), span_id: z.string(), trace_state: z.string().nullable(), attributes })),
  })
  .openapi('Span')

const OpenException = z
  .strictObject({
    id: z.string(),
    rule: z.string(),
    entity_type: z.string(),
    entity_key: z.string(),
    status: z.enum(['open', 'acknowledged']),
    severity: z.enum(SEVERITIES),
    owner: z.string(),
    amount_at_risk: decimal,
  })
  .openapi('TransactionException')

const { spans: _, ...item } = Transaction.shape

export const TransactionDetail = z
  .strictObject({
    ...item,
    spans: z.array(Span).openapi({ description: 'In start order.' }),
    exceptions: z.array(OpenException).openapi({ description: 'Open and acknowledged exceptions of its entity.' }),
  })
  .openapi('TransactionDetail')

export const list = createRoute({
  method: 'get',
  path: '/',
  summary: 'Transactions, newest first',
  request: {
    query: z.strictObject({
      workflow: z.string().optional(),
      status: z.enum(WORKFLOW_STATUSES, { error: 'expected ok or failed' }).optional(),
      system: z.string().optional().openapi({ description: 'Transactions that touched this system.' }),
      entity_key: z.string().optional(),
      entity_type: z.string().optional(),
      from: instant.openapi({ description: 'Started at or after.' }),
      to: instant.openapi({ description: 'Started at or before.' }),
      limit: limit(50, 10_000),
      cursor,
    }),
  },
  responses: answers(listAnswer(Transaction).strict().openapi('TransactionList'), 'A page of transactions'),
})

export const health = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Workflow health: transactions, failures and durations',
  request: {
    query: z.strictObject({
      by: z.enum(HEALTH_BY, { error: 'expected workflow, day or workflow_day' }).default('workflow'),
      from: instant.openapi({ description: 'Default: 30 days before `to`.' }),
      to: instant.openapi({ description: 'Default: now.' }),
    }),
  },
  responses: answers(WorkflowHealth, 'Transactions started in [from, to], by workflow, day or both'),
})

export const one = createRoute({
  method: 'get',
  path: '/{traceId}',
  summary: 'One transaction with its spans and the open exceptions of its entity',
  request: {
    params: z.object({
      traceId: z
        .string()
        .regex(/^[0-9a-fA-F]{32}$/, { error: 'expected 32 hex characters' })
        .openapi({ param: { name: 'traceId', in: 'path' }, example: '4bf92f3577b34da6a3ce929d0e0e4736' }),
    }),
  },
  responses: answers(TransactionDetail, 'The transaction'),
})

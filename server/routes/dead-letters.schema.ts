// The dead-letter routes' contract: rejected lines of committed batches, listed and replayed as
// they are or fixed, one by one or many at once.
import { createRoute } from '@hono/zod-openapi'
import { answers, cursor, dateTime, limit, listAnswer, z } from '../http/schemas.ts'
import { readsBody } from './exceptions.schema.ts'

const uuid = z.uuid({ error: 'expected a dead-letter id (UUID)' })
const int = z.number().int()

const FieldError = z.strictObject({
  field: z.string().openapi({ description: 'The field at fault; empty for the line as a whole.' }),
  message: z.string(),
})

export const DeadLetter = z
  .strictObject({
    id: z.uuid(),
    system: z.string(),
    entity: z.string().openapi({ description: 'An entity name, or `events` for step events.' }),
    batch: z.string().openapi({ description: 'The batch id the line came in.' }),
    line: int.openapi({ description: 'Its line number in the batch, from 1.' }),
    key: z.string().nullable().openapi({ description: 'The record key, when the line was readable enough to have one.' }),
    raw: z.string().openapi({ description: 'The line as it was sent.' }),
    reason: z.string(),
    errors: z.array(FieldError),
    observed_at: dateTime.openapi({ description: 'When its batch was observed; a fixed line lands as observed then.' }),
    received_at: dateTime,
    status: z.enum(['pending', 'replayed']),
    last_replay_at: dateTime.nullable(),
    last_replay_error: z.string().nullable().openapi({ description: 'Why the last replay failed; null once replayed.' }),
  })
  .openapi('DeadLetter')

export const ReplayOutcome = z
  .strictObject({
    id: z.string(),
    ok: z.boolean(),
    batch: z.string().optional().openapi({ description: 'The batch the line was replayed in (`replay-…`).' }),
    errors: z.array(FieldError).optional().openapi({ description: 'Why it was not replayed.' }),
  })
  .openapi('ReplayOutcome')

export const ReplayAnswer = z
  .strictObject({ replayed: int, failed: int, results: z.array(ReplayOutcome) })
  .openapi('ReplayAnswer')

const ReplayBody = z
  .strictObject({
    ids: z.array(uuid).max(10_000).optional().openapi({ description: 'Dead letters to replay as they are.' }),
    items: z
      .array(z.strictObject({ id: uuid, raw: z.string().optional().openapi({ description: 'The fixed line; the stored one when absent.' }) }))
      .max(10_000)
      .optional(),
  })
  .openapi('ReplayBody')

const ReplayOneBody = z
  .strictObject({ raw: z.string().optional().openapi({ description: 'The fixed line; the stored one when absent.' }) })
  .openapi('ReplayOneBody')

const id = z.object({ id: uuid.openapi({ param: { name: 'id', in: 'path' }, example: '0b7e2c1a-4f7d-4c1e-9a51-2f8f3c1d9e70' }) })

export const listing = createRoute({
  method: 'get',
  path: '/',
  summary: 'Dead letters, newest first',
  request: {
    query: z.strictObject({
      system: z.string().optional(),
      entity: z.string().optional(),
      batch: z.string().optional().openapi({ description: 'A batch id.' }),
      status: z.enum(['pending', 'replayed', 'all'], { error: 'expected pending, replayed or all' }).default('pending'),
      limit: limit(100, 10_000),
      cursor,
    }),
  },
  responses: answers(listAnswer(DeadLetter).strict(), 'A page of dead letters'),
})

export const one = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'One dead letter',
  request: { params: id },
  responses: answers(DeadLetter, 'The dead letter'),
})

export const replayMany = createRoute({
  method: 'post',
  path: '/replay',
  summary: 'Replay dead letters, as they are (ids) or fixed (items)',
  middleware: [readsBody(true)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ReplayBody } } } },
  responses: answers(ReplayAnswer, 'Each outcome; a failed one says why'),
})

export const replayOne = createRoute({
  method: 'post',
  path: '/{id}/replay',
  summary: 'Replay one dead letter, as it is or fixed',
  middleware: [readsBody(false)] as const,
  request: { params: id, body: { required: false, content: { 'application/json': { schema: ReplayOneBody } } } },
  responses: answers(ReplayOutcome, 'The outcome; a failed one says why'),
})

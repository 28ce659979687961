// GET /api/v1/dead-letters, GET /api/v1/dead-letters/{id}, POST …/{id}/replay, POST …/replay.
import type { z } from '@hono/zod-openapi'
import { exact, routes } from '../http/openapi.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { cursorShapes } from '../http/schemas.ts'
import { badRequest, notFound } from '../lib/errors.ts'
import { listDeadLetters, replayDeadLetters } from '../ingest/dead-letters.ts'
import { actorName } from '../auth/principal.ts'
import { audited } from '../auth/audit.ts'
import { listing, one, replayMany, replayOne, type DeadLetter, type ReplayAnswer, type ReplayOutcome } from './dead-letters.schema.ts'

export const deadLetterRoutes = routes()
  .openapi(listing, async (c) => {
    const { cursor: after, ...q } = c.req.valid('query')
    const cursor = decodeCursor(after, cursorShapes.deadLetters)
    const { items, next } = await listDeadLetters(c.var.services.db, { ...q, cursor })
    return exact<{ items: z.output<typeof DeadLetter>[]; next_cursor: string | null }>(c, { items, next_cursor: next ? encodeCursor(next) : null })
  })
  .openapi(one, async (c) => {
    const { id } = c.req.valid('param')
    const { items } = await listDeadLetters(c.var.services.db, { ids: [id], status: 'all', limit: 1 })
    if (!items[0]) throw notFound(`No dead letter with id ${id}.`)
    return exact<z.output<typeof DeadLetter>>(c, items[0])
  })
  .openapi(replayMany, async (c) => {
    const body = c.req.valid('json')
    const items = [...(body.items ?? []), ...(body.ids ?? []).map((id) => ({ id }))]
    if (items.length === 0) throw badRequest('bad_parameter', 'Send ids (a list of dead-letter ids) or items ([{id, raw}]) to replay.')
    const results = await audited(c, 'dead_letter_replay', `${items.length} dead letters`, { ids: items.slice(0, 1000).map((i) => i.id), fixed: items.filter((i) => 'raw' in i && i.raw !== undefined).length }, () =>
      replayDeadLetters(c.var.services.db, c.var.services.config, items, actorName(c.var.principal)),
    )
    return exact<z.output<typeof ReplayAnswer>>(c, { replayed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results })
  })
  .openapi(replayOne, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const [result] = await audited(c, 'dead_letter_replay', id, { fixed: body.raw !== undefined }, () =>
      replayDeadLetters(c.var.services.db, c.var.services.config, [{ id, raw: body.raw }], actorName(c.var.principal)),
    )
    if (!result.ok && result.errors?.[0]?.message === 'no such dead letter') throw notFound(`No dead letter with id ${id}.`)
    return exact<z.output<typeof ReplayOutcome>>(c, result)
  })

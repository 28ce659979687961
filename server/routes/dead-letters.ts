// GET /api/v1/dead-letters, GET /api/v1/dead-letters/{id}, POST …/{id}/replay, POST …/replay.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { parseQuery, readJson } from '../http/validate.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { badRequest, notFound } from '../lib/errors.ts'
import { listDeadLetters, replayDeadLetters } from '../ingest/dead-letters.ts'
import { actorName } from '../auth/principal.ts'
import { audit } from '../auth/audit.ts'

const uuid = z.uuid({ error: 'expected a dead-letter id (UUID)' })

const listQuery = z.strictObject({
  system: z.string().optional(),
  entity: z.string().optional(),
  batch: z.string().optional(),
  status: z.enum(['pending', 'replayed', 'all'], { error: 'expected pending, replayed or all' }).default('pending'),
  limit: z.coerce.number({ error: 'expected a number' }).int().min(1).max(10_000).default(100),
  cursor: z.string().optional(),
})

const replayBody = z.strictObject({
  ids: z.array(uuid).max(10_000).optional(),
  items: z.array(z.strictObject({ id: uuid, raw: z.string().optional() })).max(10_000).optional(),
})

export const deadLetterRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const q = parseQuery(listQuery, c.req.query())
    const cursor = decodeCursor(q.cursor, 2) as [string, string] | null
    const { items, next } = await listDeadLetters(c.var.services.db, { ...q, cursor })
    return c.json({ items, next_cursor: next ? encodeCursor(next) : null })
  })
  .get('/:id', async (c) => {
    const id = parseQuery(uuid, c.req.param('id'), 'path parameter id')
    const { items } = await listDeadLetters(c.var.services.db, { ids: [id], status: 'all', limit: 1 })
    if (!items[0]) throw notFound(`No dead letter with id ${id}.`)
    return c.json(items[0])
  })
  .post('/replay', async (c) => {
    const body = parseQuery(replayBody, await readJson(c), 'body field')
    const items = [...(body.items ?? []), ...(body.ids ?? []).map((id) => ({ id }))]
    if (items.length === 0) throw badRequest('bad_parameter', 'Send ids (a list of dead-letter ids) or items ([{id, raw}]) to replay.')
    const results = await replayDeadLetters(c.var.services.db, c.var.services.config, items, actorName(c.var.principal))
    await audit(c, 'dead_letter_replay', `${items.length} dead letters`, { ok: results.filter((r) => r.ok).length })
    return c.json({ replayed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results })
  })
  .post('/:id/replay', async (c) => {
    const id = parseQuery(uuid, c.req.param('id'), 'path parameter id')
    const text = await c.req.text()
    const body = text.trim() ? parseQuery(z.strictObject({ raw: z.string().optional() }), safeJson(text), 'body field') : {}
    const [result] = await replayDeadLetters(c.var.services.db, c.var.services.config, [{ id, raw: body.raw }], actorName(c.var.principal))
    await audit(c, 'dead_letter_replay', id, { ok: result.ok, fixed: body.raw !== undefined })
    if (!result.ok && result.errors?.[0]?.message === 'no such dead letter') throw notFound(`No dead letter with id ${id}.`)
    return c.json(result)
  })

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest('bad_json', 'The request body must be a JSON object.')
  }
}

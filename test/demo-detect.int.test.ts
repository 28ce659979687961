// Generated firms the engine has never seen, sent through the public API: detection finds
// exactly the discrepancies planted in each, and none of the near misses.
import { beforeAll, describe, expect, it } from 'vitest'
import { generateFirm } from '../ingest/demo/generate.ts'
import { sendFirm } from '../ingest/demo/send.ts'
import { RULE_NAMES } from '../server/rules/catalog.ts'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const FIRMS = [
  { seed: 11, scale: 1, asOf: new Date('2026-03-31T17:00:00Z') },
  { seed: 2027, scale: 2, asOf: new Date('2026-09-15T08:30:00Z') },
]

describe.each(FIRMS)('generated firm seed $seed scale $scale', ({ seed, scale, asOf }) => {
  const firm = generateFirm({ seed, scale, asOf })

  const server = useServer()
  beforeAll(async () => {
    await sendFirm(firm, { server: server.url, token: ADMIN })
    const r = await api(server.url, `/api/v1/detect?as_of=${firm.as_of}`, { method: 'POST' })
    expect(r.status).toBe(200)
  })

  it('finds every planted discrepancy of every rule and nothing else', async () => {
    const found: Record<string, string[]> = {}
    let cursor: string | null = null
    do {
      const r: any = await api(server.url, `/api/v1/exceptions?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      for (const e of r.body.items) (found[e.rule] ??= []).push(e.entity_key)
      cursor = r.body.next_cursor
    } while (cursor)
    for (const rule of RULE_NAMES) expect([...(found[rule] ?? [])].sort(), rule).toEqual(firm.planted[rule] ?? [])
  })

  it('lets no near miss fire', async () => {
    for (const [rule, keys] of Object.entries(firm.near_misses)) {
      const r = await api(server.url, `/api/v1/exceptions?rule=${rule}&limit=1000`)
      const fired = new Set(r.body.items.map((e: { entity_key: string }) => e.entity_key))
      for (const k of keys as string[]) expect(fired.has(k), `${rule} ${k}`).toBe(false)
    }
  })
})

// The sample firm through the real API in plan order: row counts per (system, entity) after
// deletions by full snapshots, a batch sent twice and a stale replay match the plan's intent.
import { beforeAll, describe, expect, it } from 'vitest'
import { batchFile, ingestFirm, plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

type Version = { observed: string; updated: string; deleted: boolean; hours?: unknown }

/** An independent model of CONTRACT §2–3 semantics, as the oracle. */
function expectedCounts() {
  const seen = new Set<string>()
  const state = new Map<string, Map<string, Version>>()
  for (const call of plan.plan) {
    if (seen.has(`${call.system}/${call.batch}`)) continue
    seen.add(`${call.system}/${call.batch}`)
    const id = `${call.system}/${call.entity}`
    const keys = state.get(id) ?? new Map<string, Version>()
    state.set(id, keys)
    const present = new Set<string>()
    for (const line of batchFile(call.file).split('\n').filter(Boolean)) {
      const r = JSON.parse(line)
      present.add(r.key)
      const v: Version = { observed: call.observed_at, updated: r.updated_at ?? '', deleted: r.deleted === true }
      const old = keys.get(r.key)
      if (!old || old.observed < v.observed || (old.observed === v.observed && old.updated <= v.updated)) keys.set(r.key, v)
    }
    if (call.mode === 'full')
      for (const [k, v] of keys)
        if (!present.has(k) && !v.deleted && v.observed < call.observed_at) keys.set(k, { observed: call.observed_at, updated: '', deleted: true })
  }
  const counts: Record<string, number> = {}
  for (const [id, keys] of state) counts[id] = [...keys.values()].filter((v) => !v.deleted).length
  return counts
}

describe('ingesting firm-small in plan order', () => {
  let results: Awaited<ReturnType<typeof ingestFirm>>

  const server = useServer({ firm: true })
  beforeAll(() => {
    results = server.ingested
  })

  it('answers duplicate for a batch id sent twice, and only for it', () => {
    const dups = results.filter((r) => r.result.duplicate).map((r) => r.call.batch)
    expect(dups).toEqual(['b7-001', 'b7-011'])
    const first = results.find((r) => r.call.batch === 'b7-001')!.result
    const again = results.filter((r) => r.call.batch === 'b7-001')[1].result
    expect(again.accepted).toBe(first.accepted)
  })

  it('accepts every line of the sample', () => {
    for (const { call, result } of results) {
      expect(result.rejected, call.file).toBe(0)
      expect(result.accepted, call.file).toBe(batchFile(call.file).split('\n').filter(Boolean).length)
    }
  })

  it('holds the records the plan intends per (system, entity)', async () => {
    const r = await api(server.url, '/api/v1/sources')
    expect(r.status).toBe(200)
    const actual: Record<string, number> = {}
    for (const s of r.body.items) for (const [e, c] of Object.entries<{ records: number }>(s.entities)) actual[`${s.system}/${e}`] = c.records
    const want = expectedCounts()
    expect(actual).toEqual(want)
    // The kantata time-entry snapshot 013 dropped entries that 010 had.
    const deletedByFull = results.find((x) => x.call.batch === 'b7-013')!.result.deleted
    expect(deletedByFull).toBeGreaterThan(0)
    expect(want['kantata/time_entry']).toBe(batchFile('013-kantata-time_entry.ndjson').split('\n').filter(Boolean).length)
  })

  it('keeps the newer version when an older batch is replayed', async () => {
    const [row] = await server.db.client
      .query({
        query: `SELECT toString(hours) AS hours FROM cur_time_entry(kind = 'erp', as_of = now64(3)) WHERE key = 'TE-0000069'`,
        format: 'JSONEachRow',
      })
      .then((rs) => rs.json<{ hours: string }>())
    // 014 (observed 11:00) says 8, the replayed 015 (observed the day before) says 9.
    expect(row.hours).toBe('8')
  })

  it('reports per-source freshness in health', async () => {
    const r = await api(server.url, '/api/v1/health', { token: null })
    expect(r.status).toBe(200)
    expect(r.body.engine.kind).toBe(process.env.CROSSWALK_TEST_STORAGE === 'server' ? 'clickhouse' : 'chdb')
    const workday = r.body.sources.find((s: { system: string }) => s.system === 'workday')
    expect(workday.last_observed_at).toBe('2026-06-29T06:00:00.000Z')
    expect(workday.batches).toBe(1)
  })
})

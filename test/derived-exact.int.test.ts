// The derived tables (server/derived/) give exactly the answers history gives: every KPI by every
// dimension, every rule's findings and every reconciliation summary, compared as JSON text, on
// firms of several shapes and seeds, as of now and as of earlier times. Also: which as_of each
// read may answer from them (the floor an out-of-order batch sets).
import { describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { generateFirm } from '../ingest/demo/generate.ts'
import { sendFirm } from '../ingest/demo/send.ts'
import { ingestFirm, plan } from './helpers/firm.ts'
import { ADMIN, ingest, ndjson } from './helpers/server.ts'
import { derivedPaths, differences, emptyDatabase } from './helpers/derived.ts'
import { useServer } from './helpers/fixture.ts'
import { computeKpi } from '../server/kpis/compute.ts'
import { stringify } from '../server/lib/json.ts'

const config = parseConfig({
  sources: [
    ...DEMO_SOURCES,
    // A second PSA (after an acquisition): its records of a key compete with Kantata's.
    { system: 'harvest', kind: 'psa' },
  ],
})

const iso = (ms: number) => new Date(ms).toISOString()

describe('derived tables against history', () => {

  const server = useServer({ config })

  async function reset() {
    await server.services.derived.idle()
    await emptyDatabase(server.db)
    await server.services.derived.rebuild()
  }

  async function expectSame(asOf: Date, period: { from: string; to: string }) {
    const diffs = await differences(server.db, config, asOf, period)
    expect(diffs.map((d) => `${d.what}\n  history: ${d.history.slice(0, 400)}\n  derived: ${d.derived.slice(0, 400)}`)).toEqual([])
  }

  it('firm-small: identical as of its as_of, read from the derived tables', { timeout: 300_000 }, async () => {
    await reset()
    await ingestFirm(server.url)
    const asOf = new Date(plan.as_of)
    expect(await derivedPaths(server.db, asOf)).toEqual({ facts: true, now: true })
    await expectSame(asOf, { from: '2026-01-01', to: '2026-06-30' })
    // Utilization counts weekdays instead of listing them: periods starting and ending on every
    // day of the week, inside and across months, and one before anybody was hired.
    const day = (n: number) => new Date(Date.UTC(2025, 11, 1) + n * 86_400_000).toISOString().slice(0, 10)
    for (const [a, b] of [[0, 0], [3, 9], [31, 61], [45, 46], [12, 200], [100, 101], [150, 212], [90, 140], [-400, -300]]) {
      for (const by of [undefined, 'practice', 'region', 'resource', 'month']) {
        const [h, d] = await Promise.all([true, false].map((history) => computeKpi(server.db, 'utilization', { from: day(a), to: day(b), asOf, by, history })))
        expect(stringify(d), `${day(a)}..${day(b)} by ${by}`).toBe(stringify(h))
      }
    }
  })

  for (const [seed, scale] of [[23, 2]] as const) {
    it(`demo firm seed ${seed} × ${scale}: identical as of now and as of times inside its history`, { timeout: 300_000 }, async () => {
      await reset()
      const asOf = new Date('2026-05-20T15:00:00Z')
      const firm = generateFirm({ seed, scale, asOf })
      await sendFirm(firm, { server: server.url, token: ADMIN })
      const observed = [...new Set(firm.batches.map((b) => b.observed_at))].sort()
      // The last observed batch is the ERP delta: before it, the full snapshots alone.
      const beforeDelta = new Date(Date.parse(observed.at(-1)!) - 1)
      expect(await derivedPaths(server.db, asOf)).toEqual({ facts: true, now: true })
      expect(await derivedPaths(server.db, beforeDelta)).toEqual({ facts: true, now: false })
      const period = { from: '2026-01-01', to: '2026-05-20' }
      await expectSame(asOf, period)
      await expectSame(beforeDelta, period)
      await expectSame(new Date(Date.parse(observed[0]) - 3600_000), period)
    })
  }

  it('a second PSA, tombstones, a multi-part full snapshot and an out-of-order batch', { timeout: 300_000 }, async () => {
    await reset()
    const asOf = new Date('2026-05-20T15:00:00Z')
    const firm = generateFirm({ seed: 5, scale: 1, asOf })
    await sendFirm(firm, { server: server.url, token: ADMIN })
    const t0 = Math.max(...firm.batches.map((b) => Date.parse(b.observed_at)))
    const psa = firm.batches.find((b) => b.system === 'kantata' && b.entity === 'time_entry')!.records as Array<Record<string, unknown>>
    const erp = firm.batches.find((b) => b.system === 'netsuite' && b.entity === 'time_entry' && b.mode === 'full')!.records as Array<Record<string, unknown>>
    const send = async (system: string, records: object[], q: Record<string, string>) => {
      const r = await ingest(server.url, system, 'time_entry', ndjson(records), new URLSearchParams(q).toString())
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    }
    // Harvest holds 60 of Kantata's keys with other hours, observed later: they win the PSA side.
    const shared: Array<Record<string, unknown>> = psa.slice(100, 160).map((r) => ({ ...r, native_id: `H-${r.key}`, hours: '3.25', status: 'approved' }))
    await send('harvest', shared, { batch: 'h1', observed_at: iso(t0 + 3600_000) })
    // Then Harvest deletes 20 of them: Kantata's records of those keys are the PSA side again.
    await send('harvest', shared.slice(0, 20).map((r) => ({ key: r.key, deleted: true })), { batch: 'h2', observed_at: iso(t0 + 2 * 3600_000) })
    // A two-part Kantata full snapshot that no longer holds 30 entries (deleted when part 2 lands),
    // with parts observed an hour apart (its deletions date from part 1).
    const kept = psa.filter((_, i) => i % 50 !== 7)
    const half = Math.floor(kept.length / 2)
    await send('kantata', kept.slice(0, half), { mode: 'full', snapshot: 's1', part: '1', batch: 's1-1', observed_at: iso(t0 + 3 * 3600_000) })
    await send('kantata', kept.slice(half), { mode: 'full', snapshot: 's1', part: '2', last: 'true', batch: 's1-2', observed_at: iso(t0 + 4 * 3600_000) })
    // NetSuite replays an old batch late: observed before everything above, applied after it.
    const late = erp.slice(200, 215).map((r) => ({ ...r, hours: '1.5' }))
    await send('netsuite', late, { batch: 'late', observed_at: iso(t0 - 1800_000) })

    const now = new Date(t0 + 5 * 3600_000)
    const afterHarvest = new Date(t0 + 3600_000 + 1000)
    const beforeLate = new Date(t0 - 1800_000 - 1)
    // The late batch moved the floor to the latest time applied before it: reads as of earlier
    // times use history for facts too.
    expect(await derivedPaths(server.db, now)).toEqual({ facts: true, now: true })
    expect(await derivedPaths(server.db, afterHarvest)).toEqual({ facts: false, now: false })
    const period = { from: '2026-01-01', to: '2026-05-20' }
    await expectSame(now, period)
    // Before the floor, every read falls back to history (beforeLate would take the same path).
    await expectSame(afterHarvest, period)
    expect(await derivedPaths(server.db, beforeLate)).toEqual({ facts: false, now: false })
    // A rebuild from history gives the same tables: still identical.
    await server.services.derived.rebuild()
    expect(server.services.derived.state).toBe('ready')
    await expectSame(now, period)
  })
})

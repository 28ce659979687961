// Cursor pagination of GET /api/v1/exceptions with no duplicates or gaps while new exceptions
// arrive, and as_of reproducibility (CONTRACT §4–§5): detection and KPIs at a time T give the same
// answer twice, and data observed after T changes neither.
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { api } from './helpers/server.ts'
import { AS_OF, detect, listAll, ms, put, rec } from './helpers/rules.ts'
import { FIRM_DIR, plan } from './helpers/firm.ts'
import { useServer } from './helpers/fixture.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { RULE_NAMES } from '../server/rules/catalog.ts'

describe('cursor pagination while new exceptions arrive', () => {
  // Only the rule these exceptions come from, so that each detection between pages is quick.
  const rules = Object.fromEntries(RULE_NAMES.filter((r) => r !== 'time_entry_missing_in_erp').map((r) => [r, { enabled: false }]))
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES, rules }) })

  // Approved PSA time missing in the ERP; amounts (inexact as binary floats) repeat so that many
  // share a sort key.
  let n = 0
  const missing = (count: number, observedAt: string) => {
    const records = Array.from({ length: count }, () => {
      const i = n++
      return rec.time_entry(`PG-${String(i).padStart(4, '0')}`, {
        approved_at: '2024-06-01T00:00:00Z', hours: (1 + 0.35 * (i % 8)).toFixed(2), bill_rate: (50.37 + 25.11 * (i % 5)).toFixed(2),
      })
    })
    return put(server.url, 'psa', 'time_entry', records, { observed_at: observedAt })
  }

  it.each([
    ['-amount_at_risk', (e: any) => -e.amount_at_risk],
    ['age', (e: any) => Date.parse(e.first_detected_at)],
    ['-due_at', (e: any) => -Date.parse(e.due_at)],
  ] as const)('sort=%s: every exception present at the start appears exactly once, in order', async (sort, key) => {
    let asOf = ms(n * 60_000)
    if (n === 0) await missing(120, ms(-60_000))
    await detect(server.url, asOf)
    const before = await listAll(server.url, 'rule=time_entry_missing_in_erp')
    expect(before.length).toBe(n)
    expect(n).toBeGreaterThanOrEqual(120)

    const seen: any[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const r: any = await api(server.url, `/api/v1/exceptions?rule=time_entry_missing_in_erp&sort=${sort}&limit=25${cursor ? `&cursor=${cursor}` : ''}`)
      expect(r.status).toBe(200)
      expect(r.body.items.length).toBeLessThanOrEqual(25)
      seen.push(...r.body.items)
      cursor = r.body.next_cursor
      pages++
      // Between pages: 7 more exceptions, some above, some below, some equal to this page's keys.
      await missing(7, asOf)
      asOf = ms(n * 60_000)
      const run = await detect(server.url, asOf)
      expect(run.opened).toBe(7)
      expect(run.auto_resolved).toBe(0)
    } while (cursor)

    const ids = seen.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    const seenIds = new Set(ids)
    expect(before.filter((e) => !seenIds.has(e.id))).toEqual([])
    expect(pages).toBeGreaterThanOrEqual(5)
    // The pages together are in sort order, ties by id.
    for (let i = 1; i < seen.length; i++) {
      const a = key(seen[i - 1])
      const b = key(seen[i])
      expect(a < b || (a === b && seen[i - 1].id < seen[i].id), `${sort} at ${i}`).toBe(true)
    }
  })

  it('a malformed cursor is refused, and the last page has next_cursor null', async () => {
    const total = (await listAll(server.url, 'rule=time_entry_missing_in_erp')).length
    const r = await api(server.url, `/api/v1/exceptions?rule=time_entry_missing_in_erp&limit=${total}`)
    expect(r.body.items.length).toBe(total)
    expect(r.body.next_cursor).toBeNull()
    const bad = await api(server.url, `/api/v1/exceptions?cursor=${Buffer.from('[1,2,3]').toString('base64url')}`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('bad_cursor')
  })
})

describe('as_of reproducibility', () => {
  const T = plan.as_of
  const LATER = new Date(Date.parse(T) + 3_600_000).toISOString()
  const kpiQueries = [
    'utilization?from=2026-01-01&to=2026-06-30&by=practice',
    'utilization?from=2026-01-01&to=2026-06-30&by=resource',
    'unbilled_wip?by=age',
    'unbilled_wip?by=project',
    'backlog?by=project',
    'billing_cycle_days?from=2026-01-01&to=2026-06-30&by=month',
    'pipeline_to_project_hours?from=2026-01-01&to=2026-06-30',
    'realization?from=2026-01-01&to=2026-06-30&by=project',
  ]
  const kpis = async (asOf: string) =>
    Promise.all(kpiQueries.map(async (q) => (await api(server.url, `/api/v1/kpis/${q}&as_of=${asOf}`)).body))
  const exceptions = async () => (await listAll(server.url, 'status=all')).sort((a, b) => (a.id < b.id ? -1 : 1))
  const batch = (file: string) =>
    fs.readFileSync(path.join(FIRM_DIR, 'batches', file), 'utf8').trim().split('\n').map((l) => JSON.parse(l))

  let firstRun: any
  let firstKpis: any[]
  let firstExceptions: any[]
  const server = useServer({ firm: true })
  beforeAll(async () => {
    firstRun = await detect(server.url, T)
    firstKpis = await kpis(T)
    firstExceptions = await exceptions()
  })

  it('the same as_of gives the same answer twice', async () => {
    expect(firstRun.opened).toBeGreaterThan(100)
    const again = await detect(server.url, T)
    expect(again).toMatchObject({ opened: 0, reopened: 0, auto_resolved: 0, still_open: firstRun.detected, detected: firstRun.detected })
    for (const [rule, r] of Object.entries<any>(firstRun.rules)) expect(again.rules[rule].count, rule).toBe(r.count)
    expect(await kpis(T)).toEqual(firstKpis)
    expect(await exceptions()).toEqual(firstExceptions)
    for (const k of firstKpis) expect(k.error, JSON.stringify(k)).toBeUndefined()
  })

  it('data observed after as_of changes neither the KPIs nor the detection at as_of', async () => {
    const psaTime = batch('013-kantata-time_entry.ndjson')
    const erpTime = batch('011-netsuite-time_entry.ndjson')
    const later = { observed_at: LATER }
    // PSA: new hours on 300 entries, 100 deleted, 50 new ones in June.
    await put(server.url, 'psa', 'time_entry', psaTime.slice(0, 300).map((t) => ({ ...t, hours: 1.25 })), later)
    await put(server.url, 'psa', 'time_entry', psaTime.slice(300, 400).map((t) => ({ key: t.key, deleted: true })), later)
    await put(server.url, 'psa', 'time_entry', psaTime.slice(400, 450).map((t) => ({ ...t, key: `LATE-${t.key}`, work_date: '2026-06-29' })), later)
    // ERP: a full snapshot of half the time entries, the unbilled ones now invoiced.
    await put(server.url, 'erp', 'time_entry', erpTime.slice(0, 2500).map((t) => ({ ...t, invoice_key: t.invoice_key ?? 'INV-LATE' })), {
      ...later, mode: 'full',
    })
    // HR: half the people gone; ERP: every project closed and fixed fee; CRM: every deal lost.
    await put(server.url, 'hr', 'resource', batch('004-workday-resource.ndjson').slice(0, 30), { ...later, mode: 'full' })
    await put(server.url, 'erp', 'project', batch('006-netsuite-project.ndjson').map((p) => ({ ...p, status: 'closed', billing_type: 'fixed_fee' })), later)
    await put(server.url, 'erp', 'invoice', batch('016-netsuite-invoice.ndjson').slice(0, 20).map((i) => ({ key: i.key, deleted: true })), later)
    await put(server.url, 'crm', 'opportunity', batch('001-salesforce-opportunity.ndjson').map((o) => ({ ...o, is_won: false })), later)

    expect(await kpis(T)).toEqual(firstKpis)
    const rerun = await detect(server.url, T)
    expect(rerun).toMatchObject({ opened: 0, reopened: 0, auto_resolved: 0, still_open: firstRun.detected, detected: firstRun.detected })
    for (const [rule, r] of Object.entries<any>(firstRun.rules)) expect(rerun.rules[rule].count, rule).toBe(r.count)
    expect(await exceptions()).toEqual(firstExceptions)

    // The later data is real: at a later as_of the answers differ.
    const after = await kpis(new Date(Date.parse(LATER) + 1).toISOString())
    for (const i of [0, 1, 2, 3, 4, 5, 7]) expect(after[i], kpiQueries[i]).not.toEqual(firstKpis[i])
    const moved = await detect(server.url, LATER)
    expect(moved.opened + moved.auto_resolved).toBeGreaterThan(0)
  })
})

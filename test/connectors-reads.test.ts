// Reads that only some vendors have, against their imitations: Workday's empty report, NetSuite's
// keyset paging past the offset cap, Salesforce Bulk API 2.0 against REST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMapping } from '../ingest/connectors/mapping/index.ts'
import { nativeFirm, type NativeFirm } from '../ingest/imitations/index.ts'
import type { EntityName } from '../server/model/spec.ts'
import { FIRM, mapAll, read, resolveAll, start, type Harness, type Mapped } from './connectors-roundtrip.support.ts'

let NATIVE: NativeFirm
beforeAll(() => {
  NATIVE = nativeFirm(FIRM)
})
const harnesses: Harness[] = []
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.im.close()))
})

describe('type-specific reads against the imitations', () => {
  it('Workday: a report with no rows omits Report_Entry and reads as 0 records', async () => {
    const h = await start('workday', { Report_Entry: [] })
    harnesses.push(h)
    const pages = await read(h, 'resource', 'full')
    expect(pages.flatMap((p) => p.records)).toEqual([])
    expect(pages.at(-1)).toMatchObject({ last: true, full: true })
  })

  it('NetSuite: past a small offset cap, keyset paging reads every row once', { timeout: 20_000 }, async () => {
    const h = await start('netsuite', NATIVE.netsuite, { offsetCap: 1000 })
    harnesses.push(h)
    h.config = { ...h.config, page_size: 400, row_cap: 1000 }
    const rows = (await read(h, 'time_entry', 'full')).flatMap((p) => p.records as Array<{ id: string }>)
    const ids = rows.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBe(NATIVE.netsuite.timebill.length)
    expect(ids.length).toBeGreaterThan(1000)
  })

  it('Salesforce: a Bulk API 2.0 full listing maps to the same records as REST', { timeout: 20_000 }, async () => {
    const h = await start('salesforce', NATIVE.salesforce)
    harnesses.push(h)
    const via = async (bulk: boolean) => {
      const all: Mapped[] = []
      for (const e of ['account', 'opportunity']) {
        const m = loadMapping('salesforce', e as EntityName)
        const pages = await read(h, e, 'full', null, { ...m.source, ...(bulk ? { bulk: true } : {}) })
        const r = mapAll('salesforce', e, pages.flatMap((p) => p.records))
        expect(r.rejected).toEqual([])
        all.push(...r.mapped)
      }
      const { records, unresolved } = resolveAll(all)
      expect(unresolved).toEqual([])
      return Object.fromEntries([...records].map(([e, rs]) => [e, [...rs].sort((a, b) => String(a.key).localeCompare(String(b.key)))]))
    }
    const rest = await via(false)
    const bulk = await via(true)
    expect(h.im.stats.byPath[`/services/data/v62.0/jobs/query`]).toBe(2)
    expect(bulk.opportunity.length).toBe(FIRM.records.salesforce.opportunity.length)
    expect(bulk).toEqual(rest)
  })
})

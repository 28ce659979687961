// Boundaries of the deal and project rules of CONTRACT §4 (won_opportunity_without_project,
// project_missing_in_erp, project_missing_in_psa), source_stale, and which records a detection
// sees: tombstones remove a record, versions observed after as_of are invisible.
import { describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { AS_OF, HOUR, byKey, detect, fired, ms, put, rec } from './helpers/rules.ts'

const server = useServer()

describe('won_opportunity_without_project', () => {
  it('fires 48 h + 1 ms after won_at, not at exactly 48 h; close_date 00:00Z when won_at is missing; any ERP or PSA project clears it', async () => {
    await put(server.url, 'crm', 'opportunity', [
      rec.opportunity('WON-exact', { won_at: ms(-48 * HOUR) }),
      rec.opportunity('WON-over', { won_at: ms(-48 * HOUR - 1), amount: '125000.50' }),
      // 13:59:59.999+02:00 is 11:59:59.999Z: 48 h + 1 ms before as_of.
      rec.opportunity('WON-offset', { won_at: '2024-06-13T13:59:59.999+02:00' }),
      rec.opportunity('WON-recent', { won_at: ms(-HOUR), close_date: '2024-01-01' }),
      // No won_at: close_date 00:00Z. 2024-06-13 is 60 h before as_of, 2024-06-14 is 36 h.
      rec.opportunity('WON-close-old', { close_date: '2024-06-13', amount: '777' }),
      rec.opportunity('WON-close-new', { close_date: '2024-06-14' }),
      rec.opportunity('WON-lost', { is_won: false, close_date: '2024-01-01' }),
      rec.opportunity('WON-in-erp', { close_date: '2024-01-01' }),
      rec.opportunity('WON-in-psa', { close_date: '2024-01-01' }),
      rec.opportunity('WON-deleted-project', { close_date: '2024-01-01' }),
      rec.opportunity('WON-future', { won_at: ms(HOUR) }),
    ])
    await put(server.url, 'erp', 'project', [
      rec.project('WONP-1', { opportunity_key: 'WON-in-erp' }),
      rec.project('WONP-3', { opportunity_key: 'WON-deleted-project' }),
    ])
    await put(server.url, 'psa', 'project', [rec.project('WONP-2', { opportunity_key: 'WON-in-psa' })])
    await put(server.url, 'erp', 'project', [{ key: 'WONP-3', deleted: true }], { observed_at: ms(-HOUR) })

    await detect(server.url)
    const found = await byKey(server.url, 'won_opportunity_without_project', 'WON-')
    expect(Object.keys(found).sort()).toEqual(['WON-close-old', 'WON-deleted-project', 'WON-offset', 'WON-over'])
    expect(found['WON-over'].amount_at_risk).toBe(125000.5)
    expect(found['WON-close-old'].amount_at_risk).toBe(777)
    expect(found['WON-over'].systems).toEqual(['salesforce'])
    expect(found['WON-over'].details.crm.won_at).toMatch(/^2024-06-13[ T]11:59:59\.999/)
  })
})

describe('project_missing_in_erp / project_missing_in_psa', () => {
  it('fires when created_at is empty or more than 24 h before as_of, never for closed or matched projects', async () => {
    const cases = (prefix: string) => [
      rec.project(`${prefix}-exact`, { created_at: ms(-24 * HOUR) }),
      rec.project(`${prefix}-over`, { created_at: ms(-24 * HOUR - 1), budget_amount: '50000.25' }),
      rec.project(`${prefix}-empty`),
      rec.project(`${prefix}-on-hold`, { status: 'on_hold', created_at: '2024-01-01T00:00:00Z' }),
      rec.project(`${prefix}-closed`, { status: 'closed', created_at: '2024-01-01T00:00:00Z' }),
      rec.project(`${prefix}-both`, { created_at: '2024-01-01T00:00:00Z' }),
    ]
    await put(server.url, 'psa', 'project', cases('PME'))
    await put(server.url, 'erp', 'project', [rec.project('PME-both', { status: 'closed' })])
    await put(server.url, 'erp', 'project', cases('PMP'))
    // The PSA copy differs in everything but the key: still the same project.
    await put(server.url, 'psa', 'project', [rec.project('PMP-both', { status: 'planned', billing_type: 'fixed_fee' })])

    await detect(server.url)
    const erp = await byKey(server.url, 'project_missing_in_erp', 'PME-')
    expect(Object.keys(erp).sort()).toEqual(['PME-empty', 'PME-on-hold', 'PME-over'])
    expect(erp['PME-over'].amount_at_risk).toBe(50000.25)
    expect(erp['PME-empty'].amount_at_risk).toBe(0)
    expect(erp['PME-over'].systems).toEqual(['kantata'])
    const psa = await byKey(server.url, 'project_missing_in_psa', 'PMP-')
    expect(Object.keys(psa).sort()).toEqual(['PMP-empty', 'PMP-on-hold', 'PMP-over'])
    expect(psa['PMP-over'].amount_at_risk).toBe(50000.25)
    expect(psa['PMP-over'].systems).toEqual(['netsuite'])
    // PSA-side projects are not ERP-side ones, and vice versa.
    expect(await fired(server.url, 'project_missing_in_psa', 'PME-')).toEqual([])
    expect(await fired(server.url, 'project_missing_in_erp', 'PMP-')).toEqual([])
  })
})

describe('what a detection sees', () => {
  it('a tombstone removes a record; a version or a tombstone observed after as_of is invisible at as_of', async () => {
    const old = { created_at: '2024-01-01T00:00:00Z' }
    await put(server.url, 'psa', 'project', [
      rec.project('VIS-deleted', old),
      rec.project('VIS-deleted-late', old),
      rec.project('VIS-closed-late', old),
      rec.project('VIS-erp-deleted', old),
      rec.project('VIS-kept', old),
    ])
    await put(server.url, 'erp', 'project', [rec.project('VIS-erp-deleted')])
    // Before as_of: the PSA project is gone, and the ERP copy of another is gone.
    await put(server.url, 'psa', 'project', [{ key: 'VIS-deleted', deleted: true }], { observed_at: ms(-2 * HOUR) })
    await put(server.url, 'erp', 'project', [{ key: 'VIS-erp-deleted', deleted: true }], { observed_at: ms(-2 * HOUR) })
    // After as_of: a new project, a tombstone and a closing update, all invisible at as_of.
    await put(server.url, 'psa', 'project', [rec.project('VIS-new-late', old)], { observed_at: ms(1) })
    await put(server.url, 'psa', 'project', [{ key: 'VIS-deleted-late', deleted: true }], { observed_at: ms(1) })
    await put(server.url, 'psa', 'project', [rec.project('VIS-closed-late', { ...old, status: 'closed' })], { observed_at: ms(1) })
    // Exactly at as_of counts.
    await put(server.url, 'psa', 'project', [rec.project('VIS-at-as-of', old)], { observed_at: AS_OF })

    await detect(server.url)
    expect(await fired(server.url, 'project_missing_in_erp', 'VIS-')).toEqual([
      'VIS-at-as-of', 'VIS-closed-late', 'VIS-deleted-late', 'VIS-erp-deleted', 'VIS-kept',
    ])
    // One millisecond later the late versions count.
    const run = await detect(server.url, ms(1))
    expect(await fired(server.url, 'project_missing_in_erp', 'VIS-')).toEqual(['VIS-at-as-of', 'VIS-erp-deleted', 'VIS-kept', 'VIS-new-late'])
    expect(run.auto_resolved).toBeGreaterThanOrEqual(2)
  })

  it('a deleted record comes back when a later version re-sends it', async () => {
    await put(server.url, 'psa', 'project', [rec.project('VIS-revived', { created_at: '2024-01-01T00:00:00Z' })], { observed_at: ms(-3 * HOUR) })
    await put(server.url, 'psa', 'project', [{ key: 'VIS-revived', deleted: true }], { observed_at: ms(-2 * HOUR) })
    await detect(server.url)
    expect(await fired(server.url, 'project_missing_in_erp', 'VIS-revived')).toEqual([])
    await put(server.url, 'psa', 'project', [rec.project('VIS-revived', { created_at: '2024-01-01T00:00:00Z' })], { observed_at: ms(-HOUR) })
    await detect(server.url)
    expect(await fired(server.url, 'project_missing_in_erp', 'VIS-revived')).toEqual(['VIS-revived'])
  })
})

describe('source_stale', () => {
  // Long before every other batch of this file, so only these batches are visible.
  const S = '2023-01-10T00:00:00.000Z'
  it('fires for a source whose newest batch is more than 24 h old or that has none; exactly 24 h does not', async () => {
    const acct = [{ key: 'STALE-ACC', name: 'Stale' }]
    await put(server.url, 'salesforce', 'account', acct, { observed_at: ms(-24 * HOUR, S) })
    await put(server.url, 'netsuite', 'account', acct, { observed_at: ms(-24 * HOUR - 1, S), batch: 'stale-ns-1' })
    // A duplicate of that batch with a fresh observed_at changes nothing.
    const dup = await put(server.url, 'netsuite', 'account', acct, { observed_at: ms(-HOUR, S), batch: 'stale-ns-1' })
    expect(dup.duplicate).toBe(true)
    await put(server.url, 'kantata', 'account', acct, { observed_at: ms(-HOUR, S) })
    // workday sends nothing before S (only, later, the batches of other tests).

    const run = await detect(server.url, S)
    const found = await byKey(server.url, 'source_stale')
    expect(Object.keys(found).sort()).toEqual(['netsuite', 'workday'])
    expect(run.rules.source_stale.count).toBe(2)
    expect(found.netsuite.entity_type).toBe('source')
    expect(found.netsuite.systems).toEqual(['netsuite'])
    expect(found.netsuite.amount_at_risk).toBe(0)
    expect(found.netsuite.details.source.last_observed_at).toMatch(/^2023-01-08[ T]23:59:59\.999/)
    expect(found.workday.details.source.last_observed_at).toBeNull()

    // One millisecond later salesforce is stale too.
    await detect(server.url, ms(1, S))
    expect(await fired(server.url, 'source_stale')).toEqual(['netsuite', 'salesforce', 'workday'])
  })
})

// Boundaries of the time rules of CONTRACT §4 (time_entry_missing_in_erp,
// time_entry_hours_mismatch), and configured thresholds: a tolerance from the config replaces
// the default, `enabled: false` switches a rule off.
import { describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { HOUR, byKey, detect, fired, ms, put, rec } from './helpers/rules.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'

const server = useServer()

describe('time_entry_missing_in_erp', () => {
  it('fires for approved PSA time approved more than 24 h before as_of with no ERP copy', async () => {
    await put(server.url, 'psa', 'time_entry', [
      rec.time_entry('TEM-exact', { approved_at: ms(-24 * HOUR), hours: '7.5', bill_rate: '200' }),
      rec.time_entry('TEM-over', { approved_at: ms(-24 * HOUR - 1), hours: '7.5', bill_rate: '200' }),
      rec.time_entry('TEM-no-approved-at', { bill_rate: '200' }),
      rec.time_entry('TEM-submitted', { status: 'submitted', approved_at: '2024-06-01T00:00:00Z', bill_rate: '200' }),
      rec.time_entry('TEM-rejected', { status: 'rejected', approved_at: '2024-06-01T00:00:00Z', bill_rate: '200' }),
      rec.time_entry('TEM-in-erp', { approved_at: '2024-06-01T00:00:00Z', bill_rate: '200' }),
      rec.time_entry('TEM-non-billable', { approved_at: '2024-06-01T00:00:00Z', billable: false, hours: '3', bill_rate: '100' }),
      rec.time_entry('TEM-no-rate', { approved_at: '2024-06-01T00:00:00Z', hours: '5' }),
      rec.time_entry('TEM-erp-deleted', { approved_at: '2024-06-01T00:00:00Z', hours: '2.25', bill_rate: '180.40' }),
    ])
    // The ERP copy may differ (it is another rule's business): the key is what matters.
    await put(server.url, 'erp', 'time_entry', [
      rec.time_entry('TEM-in-erp', { hours: '1', status: 'submitted' }),
      rec.time_entry('TEM-erp-deleted'),
    ])
    await put(server.url, 'erp', 'time_entry', [{ key: 'TEM-erp-deleted', deleted: true }], { observed_at: ms(-HOUR) })

    await detect(server.url)
    const found = await byKey(server.url, 'time_entry_missing_in_erp', 'TEM-')
    expect(Object.keys(found).sort()).toEqual(['TEM-erp-deleted', 'TEM-no-rate', 'TEM-non-billable', 'TEM-over'])
    expect(found['TEM-over'].amount_at_risk).toBe(1500) // 7.5 h × 200
    expect(found['TEM-erp-deleted'].amount_at_risk).toBe(405.9) // 2.25 h × 180.40
    expect(found['TEM-non-billable'].amount_at_risk).toBe(0)
    expect(found['TEM-no-rate'].amount_at_risk).toBe(0)
    expect(found['TEM-over'].systems).toEqual(['kantata'])
    expect(found['TEM-over'].severity).toBe('high')
    expect(found['TEM-over'].owner).toBe('finance-ops')
  })
})

describe('time_entry_hours_mismatch', () => {
  it('fires when PSA and ERP hours differ by more than 0.01; amount is abs(diff) × the PSA bill_rate', async () => {
    const pair = (key: string, psa: string, erp: string, psaRate = '150', erpRate = '150') => [
      rec.time_entry(key, { hours: psa, bill_rate: psaRate }),
      rec.time_entry(key, { hours: erp, bill_rate: erpRate }),
    ]
    const pairs = [
      pair('THM-0.01', '8', '7.99'),
      pair('THM-0.011', '8', '7.989'),
      pair('THM-0.005', '8.005', '8'),
      pair('THM-0.0101', '7.99', '8.0001', '100'),
      pair('THM-equal', '8', '8.000'),
      pair('THM-erp-more', '5', '6', '100'),
      pair('THM-psa-rate', '8', '6.5', '200', '999'),
      pair('THM-no-rate', '8', '4', ''),
    ]
    const noRate = (r: Record<string, unknown>) => (r.bill_rate === '' ? { ...r, bill_rate: undefined } : r)
    await put(server.url, 'psa', 'time_entry', [...pairs.map((p) => noRate(p[0])), rec.time_entry('THM-psa-only', { hours: '1' })])
    await put(server.url, 'erp', 'time_entry', [...pairs.map((p) => noRate(p[1])), rec.time_entry('THM-erp-only', { hours: '9' })])

    await detect(server.url)
    const found = await byKey(server.url, 'time_entry_hours_mismatch', 'THM-')
    expect(Object.keys(found).sort()).toEqual(['THM-0.0101', 'THM-0.011', 'THM-erp-more', 'THM-no-rate', 'THM-psa-rate'])
    expect(found['THM-0.011'].amount_at_risk).toBe(1.65) // 0.011 × 150
    expect(found['THM-0.0101'].amount_at_risk).toBe(1.01) // 0.0101 × 100
    expect(found['THM-erp-more'].amount_at_risk).toBe(100)
    expect(found['THM-psa-rate'].amount_at_risk).toBe(300) // 1.5 × the PSA rate, not the ERP one
    expect(found['THM-no-rate'].amount_at_risk).toBe(0)
    expect(found['THM-0.011'].systems).toEqual(['kantata', 'netsuite'])
    expect(Number(found['THM-0.011'].details.psa.hours)).toBe(8)
    expect(Number(found['THM-0.011'].details.erp.hours)).toBe(7.989)
  })
})

describe('configured thresholds', () => {
  it('a configured tolerance replaces the default and enabled: false switches a rule off', async () => {
    const before = await detect(server.url)
    expect(before.rules.time_entry_missing_in_erp.count).toBeGreaterThan(0)
    // The same data, restarted with thresholds from the config.
    await server.restart({
      config: parseConfig({
        sources: DEMO_SOURCES,
        rules: {
          time_entry_hours_mismatch: { tolerance_hours: 0.5 },
          time_entry_missing_in_erp: { enabled: false },
          project_missing_in_erp: { min_age_hours: 0 },
        },
      }),
    })
    await put(server.url, 'psa', 'project', [rec.project('CFG-now', { created_at: ms(-1) }), rec.project('CFG-at', { created_at: ms(0) })])

    const run = await detect(server.url)
    expect(run.rules.time_entry_missing_in_erp).toBeUndefined()
    expect(await fired(server.url, 'time_entry_missing_in_erp', 'TEM-')).toEqual([])
    // 0.011 and 0.0101 are within 0.5 now; 1 and 1.5 are not, and 4 still is not.
    expect(await fired(server.url, 'time_entry_hours_mismatch', 'THM-')).toEqual(['THM-erp-more', 'THM-no-rate', 'THM-psa-rate'])
    // With no minimum age, a project created 1 ms before as_of is missing; one created at as_of is not yet.
    expect(await fired(server.url, 'project_missing_in_erp', 'CFG-')).toEqual(['CFG-now'])
  })
})

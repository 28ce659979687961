// Boundaries of the staffing rules of CONTRACT §4: assignment_rate_mismatch,
// assignment_terminated_resource, assignment_on_closed_project, assignment_without_recent_time,
// resource_cost_rate_mismatch, resource_missing_in_psa.
import { describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { byKey, day, detect, fired, put, rec } from './helpers/rules.ts'

const server = useServer()

describe('assignment_rate_mismatch', () => {
  it('compares with the rate card effective on D (bounds inclusive, latest effective_from) beyond 0.005', async () => {
    const card = (key: string, project_key: string, bill_rate: string, o: Record<string, unknown> = {}) =>
      rec.rate_card(key, { project_key, role: 'Consultant', bill_rate, ...o })
    await put(server.url, 'erp', 'rate_card', [
      card('ARC-tol', 'ARM-P-tol', '100'),
      card('ARC-from', 'ARM-P-from', '100', { effective_from: day(0) }),
      card('ARC-to', 'ARM-P-to', '100', { effective_to: day(0) }),
      card('ARC-future', 'ARM-P-future', '100', { effective_from: day(1) }),
      card('ARC-past', 'ARM-P-past', '100', { effective_to: day(-1) }),
      // Several cards effective on D: the latest effective_from (D-10, 110) wins; an empty
      // effective_from is the earliest; a card from D+1 is not effective yet.
      card('ARC-l-open', 'ARM-P-latest', '90'),
      card('ARC-l-30', 'ARM-P-latest', '100', { effective_from: day(-30) }),
      card('ARC-l-10', 'ARM-P-latest', '110', { effective_from: day(-10), effective_to: day(0) }),
      card('ARC-l-next', 'ARM-P-latest', '130', { effective_from: day(1) }),
      card('ARC-role', 'ARM-P-role', '100', { role: 'Partner' }),
    ])
    const a = (key: string, project_key: string, bill_rate: string | undefined, o: Record<string, unknown> = {}) =>
      rec.assignment(key, { project_key, resource_key: `R-${key}`, role: 'Consultant', bill_rate, planned_hours: '100', ...o })
    await put(server.url, 'psa', 'assignment', [
      a('ARM-0.005', 'ARM-P-tol', '100.005'),
      a('ARM-0.0051', 'ARM-P-tol', '100.0051'),
      a('ARM-below', 'ARM-P-tol', '99.99', { planned_hours: undefined }),
      a('ARM-from', 'ARM-P-from', '120'),
      a('ARM-to', 'ARM-P-to', '120'),
      a('ARM-future', 'ARM-P-future', '120'),
      a('ARM-past', 'ARM-P-past', '120'),
      a('ARM-latest-ok', 'ARM-P-latest', '110'),
      a('ARM-latest-bad', 'ARM-P-latest', '100', { planned_hours: '20' }),
      a('ARM-other-role', 'ARM-P-role', '120'),
      a('ARM-no-role', 'ARM-P-tol', '120', { role: undefined }),
      a('ARM-no-rate', 'ARM-P-tol', undefined),
      a('ARM-completed', 'ARM-P-tol', '120', { status: 'completed' }),
    ])

    await detect(server.url)
    const found = await byKey(server.url, 'assignment_rate_mismatch', 'ARM-')
    expect(Object.keys(found).sort()).toEqual(['ARM-0.0051', 'ARM-below', 'ARM-from', 'ARM-latest-bad', 'ARM-to'])
    expect(found['ARM-0.0051'].amount_at_risk).toBe(0.51) // 0.0051 × 100 h
    expect(found['ARM-below'].amount_at_risk).toBe(0) // no planned_hours
    expect(found['ARM-from'].amount_at_risk).toBe(2000)
    expect(found['ARM-latest-bad'].amount_at_risk).toBe(200) // (110 − 100) × 20 h
    expect(found['ARM-latest-bad'].details.erp.rate_card_key).toBe('ARC-l-10')
    expect(Number(found['ARM-latest-bad'].details.erp.bill_rate)).toBe(110)
    expect(found['ARM-from'].systems).toEqual(['kantata', 'netsuite'])
  })
})

describe('assignment_terminated_resource', () => {
  it('fires when HR terminated the resource before D and the assignment runs past termination_date', async () => {
    await put(server.url, 'hr', 'resource', [
      rec.resource('ATR-R-D', { status: 'terminated', termination_date: day(0) }),
      rec.resource('ATR-R-D1', { status: 'terminated', termination_date: day(-1) }),
      rec.resource('ATR-R-active', { status: 'active', termination_date: day(-10) }),
      rec.resource('ATR-R-no-date', { status: 'terminated' }),
    ])
    const a = (key: string, resource_key: string, o: Record<string, unknown> = {}) => rec.assignment(key, { resource_key, project_key: 'ATR-P', ...o })
    await put(server.url, 'psa', 'assignment', [
      a('ATR-term-D', 'ATR-R-D'),
      a('ATR-term-D1', 'ATR-R-D1'),
      a('ATR-end-eq', 'ATR-R-D1', { end_date: day(-1) }),
      a('ATR-end-before', 'ATR-R-D1', { end_date: day(-5) }),
      a('ATR-end-after', 'ATR-R-D1', { end_date: day(30) }),
      a('ATR-end-next-day', 'ATR-R-D1', { end_date: day(0) }),
      a('ATR-completed', 'ATR-R-D1', { status: 'completed' }),
      a('ATR-active-res', 'ATR-R-active'),
      a('ATR-no-date', 'ATR-R-no-date'),
      a('ATR-not-in-hr', 'ATR-R-unknown'),
    ])
    // The PSA's own copy of the resource does not matter: HR is the system of record.
    await put(server.url, 'psa', 'resource', [rec.resource('ATR-R-active', { status: 'terminated', termination_date: day(-10) })])

    await detect(server.url)
    expect(await fired(server.url, 'assignment_terminated_resource', 'ATR-')).toEqual(['ATR-end-after', 'ATR-end-next-day', 'ATR-term-D1'])
    const e = (await byKey(server.url, 'assignment_terminated_resource', 'ATR-term-D1'))['ATR-term-D1']
    expect(e.amount_at_risk).toBe(0)
    expect(e.systems).toEqual(['kantata', 'workday'])
  })
})

describe('assignment_on_closed_project', () => {
  it('fires for an active PSA assignment whose project is closed in the ERP (not in the PSA)', async () => {
    await put(server.url, 'erp', 'project', [
      rec.project('ACP-P-closed', { status: 'closed', practice: 'Strategy' }),
      rec.project('ACP-P-active', { status: 'active' }),
      rec.project('ACP-P-psa-closed', { status: 'on_hold' }),
    ])
    await put(server.url, 'psa', 'project', [rec.project('ACP-P-psa-closed', { status: 'closed' }), rec.project('ACP-P-closed', { status: 'active' })])
    await put(server.url, 'psa', 'assignment', [
      rec.assignment('ACP-closed', { project_key: 'ACP-P-closed' }),
      rec.assignment('ACP-closed-completed', { project_key: 'ACP-P-closed', status: 'completed' }),
      rec.assignment('ACP-closed-cancelled', { project_key: 'ACP-P-closed', status: 'cancelled' }),
      rec.assignment('ACP-active', { project_key: 'ACP-P-active' }),
      rec.assignment('ACP-psa-closed', { project_key: 'ACP-P-psa-closed' }),
      rec.assignment('ACP-no-erp', { project_key: 'ACP-P-nowhere' }),
    ])
    await detect(server.url)
    const found = await byKey(server.url, 'assignment_on_closed_project', 'ACP-')
    expect(Object.keys(found)).toEqual(['ACP-closed'])
    expect(found['ACP-closed'].practice).toBe('Strategy')
    expect(found['ACP-closed'].amount_at_risk).toBe(0)
  })
})

describe('assignment_without_recent_time', () => {
  it('fires for an assignment started by D-14 and running on D with no PSA time from D-13 to D', async () => {
    const a = (key: string, o: Record<string, unknown> = {}) =>
      rec.assignment(key, { resource_key: `AWR-R-${key}`, project_key: 'AWR-P', start_date: '2024-01-01', ...o })
    const t = (key: string, assignment: string, work_date: string, o: Record<string, unknown> = {}) =>
      rec.time_entry(key, { resource_key: `AWR-R-${assignment}`, project_key: 'AWR-P', work_date, ...o })
    await put(server.url, 'psa', 'assignment', [
      a('AWR-start-D14', { start_date: day(-14) }),
      a('AWR-start-D13', { start_date: day(-13) }),
      a('AWR-time-D13'),
      a('AWR-time-D14'),
      a('AWR-time-D'),
      a('AWR-time-D+1'),
      a('AWR-draft-time'),
      a('AWR-erp-time'),
      a('AWR-other-project'),
      a('AWR-end-D', { end_date: day(0) }),
      a('AWR-end-D-1', { end_date: day(-1) }),
      a('AWR-completed', { status: 'completed' }),
    ])
    await put(server.url, 'psa', 'time_entry', [
      t('AWR-T1', 'AWR-time-D13', day(-13)),
      t('AWR-T2', 'AWR-time-D14', day(-14)),
      t('AWR-T3', 'AWR-time-D', day(0)),
      t('AWR-T4', 'AWR-time-D+1', day(1)),
      t('AWR-T5', 'AWR-draft-time', day(-1), { status: 'draft', billable: false }),
      t('AWR-T6', 'AWR-other-project', day(-1), { project_key: 'AWR-P-other' }),
    ])
    await put(server.url, 'erp', 'time_entry', [t('AWR-T7', 'AWR-erp-time', day(-1))])

    await detect(server.url)
    expect(await fired(server.url, 'assignment_without_recent_time', 'AWR-')).toEqual([
      'AWR-end-D', 'AWR-erp-time', 'AWR-other-project', 'AWR-start-D14', 'AWR-time-D+1', 'AWR-time-D14',
    ])
  })
})

describe('resource rules', () => {
  it('resource_cost_rate_mismatch: HR and PSA cost rates both set and more than 0.005 apart', async () => {
    await put(server.url, 'hr', 'resource', [
      rec.resource('RCR-0.005', { cost_rate: '80' }),
      rec.resource('RCR-0.006', { cost_rate: '80' }),
      rec.resource('RCR-lower', { cost_rate: '80.01' }),
      rec.resource('RCR-psa-null', { cost_rate: '80' }),
      rec.resource('RCR-hr-null'),
      rec.resource('RCR-hr-only', { cost_rate: '80' }),
    ])
    await put(server.url, 'psa', 'resource', [
      rec.resource('RCR-0.005', { cost_rate: '80.005' }),
      rec.resource('RCR-0.006', { cost_rate: '80.006' }),
      rec.resource('RCR-lower', { cost_rate: '80' }),
      rec.resource('RCR-psa-null'),
      rec.resource('RCR-hr-null', { cost_rate: '10' }),
    ])
    await detect(server.url)
    const found = await byKey(server.url, 'resource_cost_rate_mismatch', 'RCR-')
    expect(Object.keys(found).sort()).toEqual(['RCR-0.006', 'RCR-lower'])
    expect(found['RCR-0.006'].amount_at_risk).toBe(0)
    expect(found['RCR-0.006'].systems).toEqual(['kantata', 'workday'])
  })

  it('resource_missing_in_psa: an active HR employee hired before D-7 with no PSA record', async () => {
    await put(server.url, 'hr', 'resource', [
      rec.resource('RMP-hired-D7', { hire_date: day(-7) }),
      rec.resource('RMP-hired-D8', { hire_date: day(-8) }),
      rec.resource('RMP-no-hire-date'),
      rec.resource('RMP-contractor', { employment_type: 'contractor', hire_date: '2020-01-01' }),
      rec.resource('RMP-terminated', { status: 'terminated', hire_date: '2020-01-01', termination_date: day(-30) }),
      rec.resource('RMP-in-psa', { hire_date: '2020-01-01' }),
      rec.resource('RMP-psa-deleted', { hire_date: '2020-01-01' }),
    ])
    await put(server.url, 'psa', 'resource', [rec.resource('RMP-in-psa', { status: 'terminated' }), rec.resource('RMP-psa-deleted')])
    await put(server.url, 'psa', 'resource', [{ key: 'RMP-psa-deleted', deleted: true }], { observed_at: '2024-06-15T00:00:00Z' })
    await detect(server.url)
    expect(await fired(server.url, 'resource_missing_in_psa', 'RMP-')).toEqual(['RMP-hired-D8', 'RMP-no-hire-date', 'RMP-psa-deleted'])
  })
})

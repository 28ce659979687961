// Boundaries of the three rules on measures of CONTRACT §4: duplicate_time_entry,
// project_over_budget, resource_overallocated; their amounts in the reporting currency (§5) are
// read from the rules' own rows (`amount_at_risk_reporting`), to the last digit.
import { beforeAll, describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { AS_OF, D, HOUR, byKey, day, detect, ms, put, rec } from './helpers/rules.ts'
import { queryRows } from '../server/db/query.ts'
import { ruleQuery } from '../server/rules/run-rule.ts'
import type { RuleName } from '../server/rules/catalog.ts'
import type { Config } from '../server/config/schema.ts'
import { toChDateTime } from '../server/lib/time.ts'

const server = useServer()

/** A rule's rows as of a time, by entity key, straight from its SQL (every column). */
async function rows(rule: RuleName, asOf = AS_OF, config: Config = server.services.config): Promise<Record<string, Record<string, any>>> {
  const { sql, params } = await ruleQuery(server.db, config, rule, toChDateTime(new Date(asOf)))
  const found = await queryRows<Record<string, any>>(server.db, `test.${rule}`, sql, params, { join_use_nulls: 1 })
  return Object.fromEntries(found.map((r) => [r.entity_key, r]))
}

/** The keys a rule's rows hold with that prefix, sorted. */
const keys = (found: Record<string, unknown>, prefix: string) => Object.keys(found).filter((k) => k.startsWith(prefix)).sort()

// D (2024-06-15) is a Saturday. EUR has a rate from 2024-05-31 and a higher one from 2024-06-07;
// CHF only from 2024-06-10; GBP only from 2024-06-05; JPY none at all.
beforeAll(async () => {
  await put(server.url, 'erp', 'fx_rate', [
    { key: 'EUR-2024-05-31', currency: 'EUR', rate_date: '2024-05-31', rate: '1.1' },
    { key: 'EUR-2024-06-07', currency: 'EUR', rate_date: '2024-06-07', rate: '1.2' },
    { key: 'CHF-2024-06-10', currency: 'CHF', rate_date: '2024-06-10', rate: '1.125' },
    { key: 'GBP-2024-06-05', currency: 'GBP', rate_date: '2024-06-05', rate: '1.25' },
  ])
})

describe('duplicate_time_entry', () => {
  it('fires for every key of a duplicate group but the smallest, rejected entries aside', async () => {
    const t = (key: string, resource_key: string, o: Record<string, unknown> = {}) =>
      rec.time_entry(key, { resource_key, project_key: 'DUP-P', work_date: '2024-06-10', hours: '8', bill_rate: '150', ...o })
    await put(server.url, 'erp', 'project', [rec.project('DUP-P', { practice: 'Strategy', region: 'EMEA' })])
    await put(server.url, 'psa', 'time_entry', [
      // Three of one day: the smallest key is kept, whatever its status.
      t('DUP-A1', 'R-A'), t('DUP-A2', 'R-A', { status: 'submitted' }), t('DUP-A3', 'R-A', { status: 'draft', billable: false }),
      // Byte order: 'Z' (0x5A) sorts before 'a' (0x61).
      t('DUP-B-a', 'R-B'), t('DUP-B-Z', 'R-B'),
      // Near misses: the same hours on another date; other hours; another project; another person.
      t('DUP-C1', 'R-C'), t('DUP-C2', 'R-C', { work_date: '2024-06-11' }),
      t('DUP-H1', 'R-H'), t('DUP-H2', 'R-H', { hours: '8.25' }),
      t('DUP-J1', 'R-J'), t('DUP-J2', 'R-J', { project_key: 'DUP-P2' }),
      t('DUP-K1', 'R-K1'), t('DUP-K2', 'R-K2'),
      // 8 and 8.000 are the same hours.
      t('DUP-E1', 'R-E', { hours: '8' }), t('DUP-E2', 'R-E', { hours: '8.000', bill_rate: undefined }),
      // A rejected entry neither counts as a duplicate nor as the kept smallest key.
      t('DUP-R1', 'R-R', { status: 'rejected' }), t('DUP-R2', 'R-R'), t('DUP-R3', 'R-R', { hours: '8', bill_rate: '99.99' }),
      t('DUP-S1', 'R-S'), t('DUP-S2', 'R-S', { status: 'rejected' }),
    ])
    await detect(server.url)
    const found = await byKey(server.url, 'duplicate_time_entry', 'DUP-')
    expect(Object.keys(found).sort()).toEqual(['DUP-A2', 'DUP-A3', 'DUP-B-a', 'DUP-E2', 'DUP-R3'])
    expect(found['DUP-A2'].amount_at_risk).toBe(1200) // 8 h × 150
    expect(found['DUP-A3'].amount_at_risk).toBe(0) // not billable
    expect(found['DUP-E2'].amount_at_risk).toBe(0) // no bill_rate
    expect(found['DUP-R3'].amount_at_risk).toBe(799.92) // 8 h × 99.99
    expect(found['DUP-A2'].details.duplicate).toEqual({ kept_key: 'DUP-A1', duplicate_keys: ['DUP-A2', 'DUP-A3'] })
    expect(found['DUP-R3'].details.duplicate).toEqual({ kept_key: 'DUP-R2', duplicate_keys: ['DUP-R3'] })
    expect(found['DUP-B-a'].details.duplicate.kept_key).toBe('DUP-B-Z')
    expect(found['DUP-A2'].details.psa).toMatchObject({ resource_key: 'R-A', project_key: 'DUP-P', work_date: '2024-06-10', status: 'submitted' })
    expect(found['DUP-A2']).toMatchObject({ systems: ['kantata'], practice: 'Strategy', region: 'EMEA', severity: 'medium', owner: 'finance-ops' })
    const raw = await rows('duplicate_time_entry')
    expect(raw['DUP-A2'].amount_at_risk_reporting).toBe('1200')
    expect(raw['DUP-A3'].amount_at_risk_reporting).toBe('0')
  })

  it('reads the records that exist as of as_of: deletions and later versions', async () => {
    const t = (key: string, o: Record<string, unknown> = {}) => rec.time_entry(key, { resource_key: `R-${key.slice(0, 5)}`, project_key: 'DUP-P', bill_rate: '100', ...o })
    await put(server.url, 'psa', 'time_entry', [t('DUP-X1'), t('DUP-X2'), t('DUP-V1'), t('DUP-V2', { hours: '7' })])
    await put(server.url, 'psa', 'time_entry', [{ key: 'DUP-X2', deleted: true }], { observed_at: ms(-HOUR) })
    // Changed to the same hours only after as_of.
    await put(server.url, 'psa', 'time_entry', [t('DUP-V2', { hours: '8' })], { observed_at: ms(HOUR) })
    expect(keys(await rows('duplicate_time_entry'), 'DUP-X')).toEqual([])
    expect(keys(await rows('duplicate_time_entry'), 'DUP-V')).toEqual([])
    expect(keys(await rows('duplicate_time_entry', ms(2 * HOUR)), 'DUP-V')).toEqual(['DUP-V2'])
    // Before the deletion the pair was there.
    expect(keys(await rows('duplicate_time_entry', ms(-2 * HOUR)), 'DUP-X')).toEqual(['DUP-X2'])
  })

  it('converts the amount at its work_date; null without a rate, 0 with nothing at risk', async () => {
    const pair = (key: string, currency: string, work_date: string, o: Record<string, unknown> = {}) => [
      rec.time_entry(`${key}1`, { resource_key: `R-${key}`, project_key: 'DUP-P', work_date, currency, hours: '7.5', bill_rate: '100.10', ...o }),
      rec.time_entry(`${key}2`, { resource_key: `R-${key}`, project_key: 'DUP-P', work_date, currency, hours: '7.5', bill_rate: '100.10', ...o }),
    ]
    await put(server.url, 'psa', 'time_entry', [
      ...pair('DUP-FX-EUR', 'EUR', '2024-06-10'), // the 06-07 rate, 1.2
      ...pair('DUP-FX-EUR-OLD', 'EUR', '2024-06-06'), // the 05-31 rate, 1.1
      ...pair('DUP-FX-CHF', 'CHF', '2024-06-10'), // a rate dated the work_date itself
      ...pair('DUP-FX-CHF-EARLY', 'CHF', '2024-06-09'), // before CHF's first rate
      ...pair('DUP-FX-JPY', 'JPY', '2024-06-10'),
      ...pair('DUP-FX-JPY-NB', 'JPY', '2024-06-10', { billable: false }),
    ])
    const raw = await rows('duplicate_time_entry')
    const fx = (k: string) => [raw[k].currency, raw[k].amount_at_risk, raw[k].amount_at_risk_reporting]
    expect(fx('DUP-FX-EUR2')).toEqual(['EUR', '750.75', '900.9']) // 7.5 × 100.10 = 750.75; × 1.2
    expect(fx('DUP-FX-EUR-OLD2')).toEqual(['EUR', '750.75', '825.825'])
    expect(fx('DUP-FX-CHF2')).toEqual(['CHF', '750.75', '844.59375'])
    expect(fx('DUP-FX-CHF-EARLY2')).toEqual(['CHF', '750.75', null])
    expect(fx('DUP-FX-JPY2')).toEqual(['JPY', '750.75', null])
    expect(fx('DUP-FX-JPY-NB2')).toEqual(['JPY', '0', '0'])
    expect(raw['DUP-FX-EUR1']).toBeUndefined()
  })
})

describe('project_over_budget', () => {
  const t = (key: string, project_key: string, hours: string, o: Record<string, unknown> = {}) =>
    rec.time_entry(key, { resource_key: 'R-POB', project_key, hours, work_date: '2024-06-10', bill_rate: '150', ...o })

  it('fires when approved PSA hours up to D exceed the ERP budget_hours; amount at the mean rate', async () => {
    await put(server.url, 'erp', 'project', [
      rec.project('POB-met', { budget_hours: '16' }),
      rec.project('POB-over', { budget_hours: '16', practice: 'Technology', region: 'NA' }),
      rec.project('POB-mixed', { budget_hours: '15' }),
      rec.project('POB-third', { budget_hours: '2' }),
      rec.project('POB-submitted', { budget_hours: '8' }),
      rec.project('POB-future', { budget_hours: '8' }),
      rec.project('POB-on-D', { budget_hours: '8' }),
      rec.project('POB-closed', { budget_hours: '8', status: 'closed' }),
      rec.project('POB-on-hold', { budget_hours: '8', status: 'on_hold' }),
      rec.project('POB-zero', { budget_hours: '0' }),
      rec.project('POB-none'),
      rec.project('POB-no-rate', { budget_hours: '8' }),
    ])
    await put(server.url, 'psa', 'project', [rec.project('POB-psa-only', { budget_hours: '1' }), rec.project('POB-closed', { budget_hours: '100' })])
    await put(server.url, 'psa', 'time_entry', [
      t('POB-met-1', 'POB-met', '8'), t('POB-met-2', 'POB-met', '8', { work_date: '2024-06-11' }),
      t('POB-over-1', 'POB-over', '8'), t('POB-over-2', 'POB-over', '8.01', { work_date: '2024-06-11' }),
      t('POB-mixed-1', 'POB-mixed', '10', { bill_rate: '100' }), t('POB-mixed-2', 'POB-mixed', '10', { bill_rate: '200' }),
      // 1 h over at the mean rate of 3 h worth 300.01: 100.00333…, which does not end.
      t('POB-third-1', 'POB-third', '1', { bill_rate: '100' }), t('POB-third-2', 'POB-third', '1', { bill_rate: '100.01' }),
      t('POB-third-3', 'POB-third', '1', { bill_rate: '100' }),
      t('POB-submitted-1', 'POB-submitted', '8'), t('POB-submitted-2', 'POB-submitted', '4', { status: 'submitted' }),
      t('POB-future-1', 'POB-future', '8'), t('POB-future-2', 'POB-future', '4', { work_date: day(1) }),
      t('POB-on-D-1', 'POB-on-D', '8'), t('POB-on-D-2', 'POB-on-D', '0.5', { work_date: D }),
      t('POB-closed-1', 'POB-closed', '9'),
      t('POB-on-hold-1', 'POB-on-hold', '9'),
      t('POB-zero-1', 'POB-zero', '9'),
      t('POB-none-1', 'POB-none', '9'),
      t('POB-psa-only-1', 'POB-psa-only', '9'),
      t('POB-no-rate-1', 'POB-no-rate', '5', { bill_rate: undefined }), t('POB-no-rate-2', 'POB-no-rate', '5', { billable: false, bill_rate: undefined }),
    ])
    await detect(server.url)
    const found = await byKey(server.url, 'project_over_budget', 'POB-')
    expect(Object.keys(found).sort()).toEqual(['POB-mixed', 'POB-no-rate', 'POB-on-D', 'POB-on-hold', 'POB-over', 'POB-third'])
    expect(found['POB-over'].amount_at_risk).toBe(1.5) // 0.01 h × 150
    expect(found['POB-mixed'].amount_at_risk).toBe(750) // 5 h × (1000 + 2000) / 20 h
    expect(found['POB-on-D'].amount_at_risk).toBe(75) // 0.5 h × 150
    expect(found['POB-no-rate'].amount_at_risk).toBe(0)
    expect(found['POB-over']).toMatchObject({ systems: ['kantata', 'netsuite'], practice: 'Technology', region: 'NA', currency: 'USD' })
    expect(found['POB-over'].details.erp.budget_hours).toBe('16')
    expect(found['POB-over'].details.psa).toMatchObject({ approved_hours: '16.01', approved_entries: '2' })
    expect(found['POB-over'].details.diff.hours_over_budget).toBe('0.01')
    const raw = await rows('project_over_budget')
    // 1 h × 300.01 / 3 h = 100.00333…: exact to the 8th decimal, never through a float.
    expect(raw['POB-third'].amount_at_risk).toBe('100.00333333')
    expect(raw['POB-over'].amount_at_risk_reporting).toBe('1.5')
    expect(raw['POB-no-rate'].amount_at_risk_reporting).toBe('0')
  })

  it('reads the records that exist as of as_of: deletions and later versions', async () => {
    await put(server.url, 'erp', 'project', [rec.project('POB-del', { budget_hours: '8' }), rec.project('POB-later', { budget_hours: '10' })])
    await put(server.url, 'psa', 'time_entry', [t('POB-del-1', 'POB-del', '8'), t('POB-del-2', 'POB-del', '1'), t('POB-later-1', 'POB-later', '9')])
    await put(server.url, 'psa', 'time_entry', [{ key: 'POB-del-2', deleted: true }], { observed_at: ms(-HOUR) })
    // The budget is cut only after as_of.
    await put(server.url, 'erp', 'project', [rec.project('POB-later', { budget_hours: '8' })], { observed_at: ms(HOUR) })
    expect(keys(await rows('project_over_budget'), 'POB-del')).toEqual([])
    expect(keys(await rows('project_over_budget', ms(-2 * HOUR)), 'POB-del')).toEqual(['POB-del'])
    expect(keys(await rows('project_over_budget'), 'POB-later')).toEqual([])
    expect(keys(await rows('project_over_budget', ms(2 * HOUR)), 'POB-later')).toEqual(['POB-later'])
  })

  it('is in the project currency; each entry converts at its own work_date, null if one has no rate', async () => {
    await put(server.url, 'erp', 'project', [
      rec.project('POB-EUR', { budget_hours: '15', currency: 'EUR' }),
      rec.project('POB-GBP', { budget_hours: '15', currency: 'GBP' }),
      rec.project('POB-GBP-NB', { budget_hours: '15', currency: 'GBP' }),
      rec.project('POB-ENTRY-CUR', { budget_hours: '15' }),
    ])
    await put(server.url, 'psa', 'time_entry', [
      // 5 h over 20 h: a quarter of the value; 1000 × 1.1 + 1000 × 1.2 = 2300 converted.
      t('POB-EUR-1', 'POB-EUR', '10', { bill_rate: '100', work_date: '2024-06-03', currency: 'EUR' }),
      t('POB-EUR-2', 'POB-EUR', '10', { bill_rate: '100', work_date: '2024-06-10', currency: 'EUR' }),
      // 2024-06-03 is before GBP's first rate.
      t('POB-GBP-1', 'POB-GBP', '10', { bill_rate: '100', work_date: '2024-06-03', currency: 'GBP' }),
      t('POB-GBP-2', 'POB-GBP', '10', { bill_rate: '100', work_date: '2024-06-10', currency: 'GBP' }),
      // The unconvertible entry has no value: nothing is missing.
      t('POB-GBP-NB-1', 'POB-GBP-NB', '10', { billable: true, bill_rate: undefined, work_date: '2024-06-03', currency: 'GBP' }),
      t('POB-GBP-NB-2', 'POB-GBP-NB', '10', { bill_rate: '100', work_date: '2024-06-10', currency: 'GBP' }),
      t('POB-ENTRY-CUR-1', 'POB-ENTRY-CUR', '10', { bill_rate: '100', work_date: '2024-06-10', currency: 'EUR' }),
      t('POB-ENTRY-CUR-2', 'POB-ENTRY-CUR', '10', { bill_rate: '100', work_date: '2024-06-10', currency: 'EUR' }),
    ])
    const raw = await rows('project_over_budget')
    const fx = (k: string) => [raw[k].currency, raw[k].amount_at_risk, raw[k].amount_at_risk_reporting]
    expect(fx('POB-EUR')).toEqual(['EUR', '500', '575'])
    expect(fx('POB-GBP')).toEqual(['GBP', '500', null])
    expect(fx('POB-GBP-NB')).toEqual(['GBP', '250', '312.5']) // 5 h × 1000 / 20 h; × 1.25
    expect(fx('POB-ENTRY-CUR')).toEqual(['EUR', '500', '600'])
  })
})

describe('resource_overallocated', () => {
  // Monday 2024-06-03 to Friday 2024-06-28: 20 weekdays, so planned 176 h is 44 h a week.
  const a = (key: string, resource_key: string, planned_hours: string | undefined, o: Record<string, unknown> = {}) =>
    rec.assignment(key, { resource_key, project_key: 'ROA-P', start_date: '2024-06-03', end_date: '2024-06-28', planned_hours, ...o })
  const r = (key: string, o: Record<string, unknown> = {}) => rec.resource(key, { weekly_capacity_hours: '40', ...o })

  it('fires above 1.1 × HR weekly capacity, counting active assignments running on D', async () => {
    await put(server.url, 'hr', 'resource', [
      r('ROA-exact'), r('ROA-above', { practice: 'Data & AI', region: 'APAC' }), r('ROA-two'), r('ROA-thirds'), r('ROA-thirds-over'),
      r('ROA-weekend'), r('ROA-part', { weekly_capacity_hours: '20' }), r('ROA-part-ok', { weekly_capacity_hours: '20' }),
      r('ROA-terminated', { status: 'terminated', termination_date: day(-1) }), r('ROA-statuses'), r('ROA-dates'),
      r('ROA-end-D'), r('ROA-start-D'), r('ROA-no-end'),
    ])
    // HR is the system of record: the PSA's copy of the status does not matter.
    await put(server.url, 'psa', 'resource', [rec.resource('ROA-above', { status: 'terminated' })])
    await put(server.url, 'psa', 'assignment', [
      a('ROA-exact-1', 'ROA-exact', '176'),
      a('ROA-above-1', 'ROA-above', '176.0001'),
      // 25 + 20 = 45 h a week (2024-06-10 to 06-21: 10 weekdays).
      a('ROA-two-1', 'ROA-two', '100'), a('ROA-two-2', 'ROA-two', '40', { start_date: '2024-06-10', end_date: '2024-06-21' }),
      // Thursday 06-13 to Monday 06-17: 3 weekdays. 8, 8 and 10.4 h are 40/3 + 40/3 + 52/3 = 44 exactly.
      a('ROA-thirds-1', 'ROA-thirds', '8', { start_date: '2024-06-13', end_date: '2024-06-17' }),
      a('ROA-thirds-2', 'ROA-thirds', '8', { start_date: '2024-06-13', end_date: '2024-06-17' }),
      a('ROA-thirds-3', 'ROA-thirds', '10.4', { start_date: '2024-06-13', end_date: '2024-06-17' }),
      a('ROA-thirds-over-1', 'ROA-thirds-over', '8', { start_date: '2024-06-13', end_date: '2024-06-17' }),
      a('ROA-thirds-over-2', 'ROA-thirds-over', '8', { start_date: '2024-06-13', end_date: '2024-06-17' }),
      a('ROA-thirds-over-3', 'ROA-thirds-over', '10.40000001', { start_date: '2024-06-13', end_date: '2024-06-17' }),
      // Saturday to Sunday: no weekday, left out (it would otherwise divide by zero).
      a('ROA-weekend-1', 'ROA-weekend', '100', { start_date: D, end_date: day(1) }),
      a('ROA-weekend-2', 'ROA-weekend', '176'),
      a('ROA-part-1', 'ROA-part', '88.04'), // 22.01 h a week against 22
      a('ROA-part-ok-1', 'ROA-part-ok', '88'),
      a('ROA-terminated-1', 'ROA-terminated', '400'),
      a('ROA-statuses-1', 'ROA-statuses', '176'),
      a('ROA-statuses-2', 'ROA-statuses', '400', { status: 'completed' }),
      a('ROA-statuses-3', 'ROA-statuses', '400', { status: 'cancelled' }),
      a('ROA-statuses-4', 'ROA-statuses', undefined),
      a('ROA-dates-1', 'ROA-dates', '176'),
      a('ROA-dates-2', 'ROA-dates', '400', { start_date: day(1), end_date: '2024-06-28' }),
      a('ROA-dates-3', 'ROA-dates', '400', { start_date: '2024-06-03', end_date: day(-1) }),
      // Running on D at either end counts: 06-10 to 06-15 has 5 weekdays, 06-15 to 06-21 has 5.
      a('ROA-end-D-1', 'ROA-end-D', '176'), a('ROA-end-D-2', 'ROA-end-D', '0.01', { start_date: '2024-06-10', end_date: D }),
      a('ROA-start-D-1', 'ROA-start-D', '176'), a('ROA-start-D-2', 'ROA-start-D', '0.01', { start_date: D, end_date: '2024-06-21' }),
      // No end_date: left out.
      a('ROA-no-end-1', 'ROA-no-end', '176'), a('ROA-no-end-2', 'ROA-no-end', '400', { end_date: undefined }),
      a('ROA-not-in-hr-1', 'ROA-not-in-hr', '400'),
    ])
    await detect(server.url)
    const found = await byKey(server.url, 'resource_overallocated', 'ROA-')
    expect(Object.keys(found).sort()).toEqual(['ROA-above', 'ROA-end-D', 'ROA-part', 'ROA-start-D', 'ROA-thirds-over', 'ROA-two'])
    expect(found['ROA-two'].amount_at_risk).toBe(0)
    expect(found['ROA-two']).toMatchObject({ systems: ['kantata', 'workday'], severity: 'medium', owner: 'resource-management' })
    expect(found['ROA-above']).toMatchObject({ practice: 'Data & AI', region: 'APAC' })
    expect(found['ROA-two'].details.hr).toMatchObject({ weekly_capacity_hours: '40', max_weekly_load: '44' })
    expect(found['ROA-two'].details.psa).toEqual({ weekly_load: '45', assignments: ['ROA-two-1', 'ROA-two-2'] })
    expect(found['ROA-part'].details.psa.weekly_load).toBe('22.01')
    const raw = await rows('resource_overallocated')
    expect([raw['ROA-two'].amount_at_risk, raw['ROA-two'].amount_at_risk_reporting]).toEqual(['0', '0'])
  })

  it('takes max_load_ratio from the config, and reads the records that exist as of as_of', async () => {
    await put(server.url, 'hr', 'resource', [r('ROA-del'), r('ROA-later')])
    await put(server.url, 'psa', 'assignment', [a('ROA-del-1', 'ROA-del', '176'), a('ROA-del-2', 'ROA-del', '8'), a('ROA-later-1', 'ROA-later', '176')])
    await put(server.url, 'psa', 'assignment', [{ key: 'ROA-del-2', deleted: true }], { observed_at: ms(-HOUR) })
    await put(server.url, 'psa', 'assignment', [a('ROA-later-1', 'ROA-later', '180')], { observed_at: ms(HOUR) })
    expect(keys(await rows('resource_overallocated'), 'ROA-del')).toEqual([])
    expect(keys(await rows('resource_overallocated', ms(-2 * HOUR)), 'ROA-del')).toEqual(['ROA-del'])
    expect(keys(await rows('resource_overallocated'), 'ROA-later')).toEqual([])
    expect(keys(await rows('resource_overallocated', ms(2 * HOUR)), 'ROA-later')).toEqual(['ROA-later'])
    // At 1.0 × capacity the person planned at exactly 1.1 × is over.
    const strict = { ...server.services.config, rules: { ...server.services.config.rules, resource_overallocated: { max_load_ratio: 1 } } } as Config
    expect(keys(await rows('resource_overallocated', AS_OF, strict), 'ROA-exact')).toEqual(['ROA-exact'])
    expect(keys(await rows('resource_overallocated'), 'ROA-exact')).toEqual([])
  })
})

// Multi-currency (CONTRACT §5 Currency): a firm reporting in USD with EUR, GBP and JPY records.
// Rates are the ERP's fx_rate with the latest rate_date on or before a record's date (of two for
// one currency and date, the larger key wins; the reporting currency is always 1); a record with
// no currency is in the reporting currency; one with no rate is left out, counted by fx_coverage.
// Each money KPI to the cent, amounts at risk in the reporting currency (null without a rate),
// the list sorted by them, and a change of reporting currency through the settings.
import { describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { AS_OF, day, detect, listAll, put, rec } from './helpers/rules.ts'
import { api } from './helpers/server.ts'
import { derivedPaths } from './helpers/derived.ts'
import { computeKpi } from '../server/kpis/compute.ts'
import { runRule } from '../server/rules/run-rule.ts'
import { stringify } from '../server/lib/json.ts'
import { toChDateTime } from '../server/lib/time.ts'
import type { KpiName } from '../server/kpis/catalog.ts'
import type { RuleName } from '../server/rules/catalog.ts'

const server = useServer()

const fx = (key: string, currency: string, rate_date: string, rate: string) => ({ key, currency, rate_date, rate })
const te = (key: string, project_key: string, currency: string | undefined, work_date: string, hours: string, bill_rate: string, o: Record<string, unknown> = {}) =>
  rec.time_entry(key, { project_key, work_date, hours, bill_rate, ...(currency ? { currency } : {}), ...o })

async function kpi(name: string, query = '') {
  const r = await api(server.url, `/api/v1/kpis/${name}?as_of=${encodeURIComponent(AS_OF)}${query}`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

async function settings(body: object) {
  const r = await api(server.url, '/api/v1/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
}

/** amount_at_risk_reporting of each open exception of a rule, by entity key (null: no rate). */
async function reporting(rule: string): Promise<Record<string, number | null>> {
  return Object.fromEntries((await listAll(server.url, `rule=${rule}`)).map((e) => [e.entity_key, e.amount_at_risk_reporting]))
}

const PERIOD = '&from=2024-01-01&to=2024-06-30'

describe('a firm reporting in USD with EUR, GBP and JPY records', () => {
  it('loads', async () => {
    await put(server.url, 'erp', 'fx_rate', [
      fx('FX-EUR-0101', 'EUR', '2024-01-01', '1.10'),
      // Two records for EUR on 2024-05-01: the larger key wins.
      fx('FX-EUR-0501-b', 'EUR', '2024-05-01', '1.25'),
      fx('FX-EUR-0501-a', 'EUR', '2024-05-01', '1.20'),
      // After D: never used as of D.
      fx('FX-EUR-0620', 'EUR', day(5), '2.00'),
      fx('FX-GBP-0601', 'GBP', '2024-06-01', '1.30'),
      // A rate for the reporting currency itself is ignored: it is always 1 (used once EUR reports).
      fx('FX-USD-0101', 'USD', '2024-01-01', '0.80'),
    ])
    await put(server.url, 'erp', 'project', [
      rec.project('P-EUR', { currency: 'EUR', budget_amount: '10000' }),
      rec.project('P-GBP', { currency: 'GBP', budget_amount: '1000' }),
      rec.project('P-USD', { budget_amount: '5000' }),
      rec.project('P-JPY', { currency: 'JPY', budget_amount: '1000000' }),
      rec.project('P-MIX', { currency: 'USD', budget_amount: '3000', billing_type: 'fixed_fee' }),
    ])
    await put(server.url, 'erp', 'time_entry', [
      // Unbilled: EUR at 1.25 (2024-05-01, key b) and at 1.10; GBP at 1.30 and before any GBP rate;
      // no currency (USD); JPY, never a rate.
      te('TE-E1', 'P-EUR', 'EUR', '2024-06-10', '10', '100'),
      te('TE-E2', 'P-EUR', 'EUR', '2024-02-01', '5', '100'),
      te('TE-G1', 'P-GBP', 'GBP', '2024-06-05', '2', '50'),
      te('TE-G2', 'P-GBP', 'GBP', '2024-03-01', '4', '50'),
      te('TE-U1', 'P-USD', undefined, '2024-06-12', '3', '100'),
      te('TE-J1', 'P-JPY', 'JPY', '2024-06-12', '1', '10000'),
      // Invoiced.
      te('TE-R1', 'P-EUR', 'EUR', '2024-04-01', '10', '100', { invoice_key: 'INV-R1' }),
      te('TE-R2', 'P-GBP', 'GBP', '2024-06-03', '5', '100', { invoice_key: 'INV-R2' }),
      te('TE-R3', 'P-GBP', 'GBP', '2024-03-20', '1', '100', { invoice_key: 'INV-R3' }),
    ])
    await put(server.url, 'erp', 'expense', [rec.expense('EX-R1', { project_key: 'P-EUR', invoice_key: 'INV-R1', amount: '50', currency: 'EUR', expense_date: '2024-04-01' })])
    await put(server.url, 'erp', 'invoice', [
      rec.invoice('INV-R1', { project_key: 'P-EUR', currency: 'EUR', invoice_date: '2024-04-15', amount: '1100' }),
      rec.invoice('INV-R2', { project_key: 'P-GBP', currency: 'GBP', invoice_date: '2024-06-05', amount: '600' }),
      rec.invoice('INV-R3', { project_key: 'P-GBP', currency: 'GBP', invoice_date: '2024-04-01', amount: '100' }),
      rec.invoice('INV-E1', { project_key: 'P-EUR', currency: 'EUR', invoice_date: '2024-05-15', amount: '2000' }),
      rec.invoice('INV-U1', { project_key: 'P-USD', currency: 'USD', invoice_date: '2024-05-20', amount: '1000' }),
      rec.invoice('INV-M1', { project_key: 'P-MIX', currency: 'JPY', invoice_date: '2024-05-20', amount: '100' }),
    ])
    await put(server.url, 'psa', 'time_entry', [
      te('TE-E1', 'P-EUR', 'EUR', '2024-06-10', '10', '100'),
      te('TE-G1', 'P-GBP', 'GBP', '2024-06-05', '3', '50'),
      te('TE-P1', 'P-EUR', 'EUR', '2024-06-10', '2', '100', { approved_at: '2024-06-11T00:00:00Z' }),
    ])
    await put(server.url, 'crm', 'opportunity', [rec.opportunity('O-EUR', { currency: 'EUR', amount: '1000' }), rec.opportunity('O-JPY', { currency: 'JPY', amount: '5000' })])
    await detect(server.url)
  })

  it('unbilled_wip: each entry at its work_date; one with no rate left out', async () => {
    const a = await kpi('unbilled_wip', '&by=age')
    // 1000 EUR × 1.25 + 500 EUR × 1.10 + 100 GBP × 1.30 + 300 USD; GBP before its first rate and JPY left out.
    expect(a.value).toBe(2230)
    expect(a.numerator).toBe(2230)
    expect(a.currency).toBe('USD')
    expect(a.fx_coverage).toBe(4 / 6)
    // Coverage over the converted: only TE-E1 has an equal PSA copy.
    expect(a.coverage).toBeCloseTo(1250 / 2230, 12)
    expect(a.rows.map((r: any) => [r.group, r.value])).toEqual([['0-30', 1680], ['31-60', 0], ['61-90', 0], ['91+', 550]])
  })

  it('backlog: a project and its invoices at D; a project or invoice with no rate leaves the project out', async () => {
    const a = await kpi('backlog', '&by=project')
    // P-EUR (10000 − 2000 − 1100) EUR × 1.25; P-GBP (1000 − 600 − 100) GBP × 1.30; P-USD 5000 − 1000.
    expect(a.value).toBe(8625 + 390 + 4000)
    expect(a.fx_coverage).toBe(3 / 5)
    expect(Object.fromEntries(a.rows.map((r: any) => [r.group, r.value]))).toEqual({ 'P-EUR': 8625, 'P-GBP': 390, 'P-USD': 4000 })
  })

  it('realization: an invoice with its time and expenses at its invoice_date, or left out whole', async () => {
    const a = await kpi('realization', `${PERIOD}&by=project`)
    // R1: (1100 − 50) × 1.10 over 1000 × 1.10; R2: 600 × 1.30 over 500 × 1.30; E1: 2000 × 1.25; U1: 1000; R3 (no GBP rate yet) out.
    expect(a.numerator).toBe(1155 + 780 + 2500 + 1000)
    expect(a.denominator).toBe(1100 + 650)
    expect(a.value).toBe(5435 / 1750)
    expect(a.fx_coverage).toBe(4 / 5)
    expect(Object.fromEntries(a.rows.map((r: any) => [r.group, [r.numerator, r.denominator]]))).toEqual({
      'P-EUR': [1155 + 2500, 1100],
      'P-GBP': [780, 650],
      'P-USD': [1000, 0],
    })
  })

  it('amounts at risk in USD: at the record date, or D; null without a rate; 0 stays 0', async () => {
    expect(await reporting('unbilled_time_over_90_days')).toEqual({ 'P-EUR': 550, 'P-GBP': null })
    expect(await reporting('invoice_amount_mismatch')).toEqual({ 'INV-R1': 55, 'INV-R2': 130, 'INV-E1': 2500, 'INV-U1': 1000 })
    expect(await reporting('project_missing_in_psa')).toEqual({ 'P-EUR': 12500, 'P-GBP': 1300, 'P-USD': 5000, 'P-JPY': null, 'P-MIX': 3000 })
    expect(await reporting('time_entry_hours_mismatch')).toEqual({ 'TE-G1': 65 })
    // 2 h × 100 EUR at 2024-06-10: 1.25, not the later 2.00.
    expect(await reporting('time_entry_missing_in_erp')).toEqual({ 'TE-P1': 250 })
    expect(await reporting('won_opportunity_without_project')).toEqual({ 'O-EUR': 1250, 'O-JPY': null })
    const stale = await reporting('source_stale')
    expect(Object.keys(stale).length).toBeGreaterThan(0)
    expect(new Set(Object.values(stale))).toEqual(new Set([0]))
    const [gbp] = await listAll(server.url, 'rule=unbilled_time_over_90_days&entity_key=P-GBP')
    expect(gbp).toMatchObject({ amount_at_risk: 200, currency: 'GBP', amount_at_risk_reporting: null, reporting_currency: 'USD' })
    const detail = await api(server.url, `/api/v1/exceptions/${gbp.id}`)
    expect(detail.body).toMatchObject({ amount_at_risk: 200, amount_at_risk_reporting: null, reporting_currency: 'USD' })
  })

  it('sorts by the reporting amount, those without one last either way, across pages', async () => {
    for (const sort of ['-amount', 'amount', '-amount_at_risk']) {
      const items = await listAll(server.url, `sort=${sort}`, 4)
      const amounts = items.map((e) => e.amount_at_risk_reporting)
      const known = amounts.filter((v) => v !== null)
      expect(amounts.slice(known.length).every((v) => v === null), sort).toBe(true)
      expect(amounts.slice(known.length)).toHaveLength(3)
      const sorted = [...known].sort((x, y) => (sort.startsWith('-') ? y - x : x - y))
      expect(known, sort).toEqual(sorted)
    }
    // By its own amount, the JPY project (1,000,000) would come first.
    expect((await listAll(server.url, 'sort=-amount', 4))[0]).toMatchObject({ rule: 'project_missing_in_psa', entity_key: 'P-EUR' })
  })

  it('money_at_risk sums the reporting amounts; one with none lowers fx_coverage', async () => {
    const items = await listAll(server.url)
    const a = await kpi('money_at_risk', '&by=rule')
    expect(a.value).toBe(550 + 3685 + 21800 + 65 + 250 + 1250)
    expect(a.fx_coverage).toBe((items.length - 3) / items.length)
    expect(Object.fromEntries(a.rows.map((r: any) => [r.group, r.value]))).toMatchObject({ project_missing_in_psa: 21800, source_stale: 0, won_opportunity_without_project: 1250 })
    const summary = await api(server.url, '/api/v1/exceptions/summary?by=rule')
    expect(Object.fromEntries(summary.body.items.map((r: any) => [r.group, r.amount_at_risk]))).toMatchObject({ invoice_amount_mismatch: 3685, unbilled_time_over_90_days: 550 })
    const timeline = await api(server.url, `/api/v1/exceptions/timeline?at=${encodeURIComponent('2030-01-01T00:00:00Z')}`)
    expect(timeline.body.money_at_risk).toEqual([{ at: '2030-01-01T00:00:00.000Z', amount_at_risk: 27600 }])
  })

  it('the routing preview adds up the same reporting amounts', async () => {
    const r = await api(server.url, '/api/v1/settings/routing/preview', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing: [{ match: { rule: 'project_missing_in_psa' }, owner: 'psa-team' }, { match: {}, owner: 'everyone-else' }] }),
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    // 21,800 USD, not the native amounts (the JPY project alone is 1,000,000).
    expect(r.body.routes.map((x: any) => x.amount_at_risk)).toEqual([21800, 550 + 3685 + 65 + 250 + 1250])
  })

  it('history and the derived tables agree, in either reporting currency', async () => {
    const asOf = new Date(AS_OF)
    expect(await derivedPaths(server.db, asOf)).toEqual({ facts: true, now: true })
    for (const reporting of ['USD', 'EUR'])
      for (const [name, by] of [['unbilled_wip', 'age'], ['unbilled_wip', 'project'], ['realization', 'project'], ['realization', 'month']] as Array<[KpiName, string]>) {
        const [h, d] = await Promise.all([true, false].map((history) => computeKpi(server.db, name, { from: '2024-01-01', to: '2024-06-30', asOf, by, history, reporting })))
        expect(stringify(d), `${name} by ${by} in ${reporting}`).toBe(stringify(h))
      }
    const config = server.services.config
    for (const rule of ['unbilled_time_over_90_days', 'invoice_amount_mismatch', 'time_entry_hours_mismatch', 'time_entry_missing_in_erp'] as RuleName[]) {
      const [h, d] = await Promise.all([true, false].map(async (history) => stringify((await runRule(server.db, config, rule, toChDateTime(asOf), { history })).sort((x, y) => x.entity_key.localeCompare(y.entity_key)))))
      expect(d, rule).toBe(h)
      expect(h, rule).toContain('amount_at_risk_reporting')
    }
  })

  it('a change of reporting currency changes the answers; exceptions convert again at the next run', async () => {
    await settings({ reporting_currency: 'EUR' })
    const wip = await kpi('unbilled_wip')
    // EUR at 1 now; the entry with no currency is EUR; GBP still 1.30.
    expect(wip).toMatchObject({ currency: 'EUR', value: 1000 + 500 + 130 + 300, fx_coverage: 4 / 6 })
    const backlog = await kpi('backlog', '&by=project')
    // P-USD's USD invoice at the USD rate 0.80 now; P-MIX's JPY invoice still has none.
    expect(Object.fromEntries(backlog.rows.map((r: any) => [r.group, r.value]))).toEqual({ 'P-EUR': 6900, 'P-GBP': 390, 'P-USD': 5000 - 800 })
    // Stored amounts are still in USD until the next run: only the zero ones count.
    const before = await listAll(server.url)
    const stale = await kpi('money_at_risk')
    expect(stale).toMatchObject({ currency: 'EUR', value: 0 })
    expect(stale.fx_coverage).toBe(before.filter((i) => i.amount_at_risk === 0).length / before.length)
    expect(stale.fx_coverage).toBeLessThan(1)
    await detect(server.url)
    expect(await reporting('unbilled_time_over_90_days')).toEqual({ 'P-EUR': 500, 'P-GBP': null })
    expect(await reporting('invoice_amount_mismatch')).toEqual({ 'INV-R1': 50, 'INV-R2': 130, 'INV-E1': 2000, 'INV-U1': 800 })
    const [e] = await listAll(server.url, 'rule=invoice_amount_mismatch&entity_key=INV-U1')
    expect(e).toMatchObject({ amount_at_risk: 1000, currency: 'USD', amount_at_risk_reporting: 800, reporting_currency: 'EUR' })
    const items = await listAll(server.url)
    const again = await kpi('money_at_risk')
    expect(again.currency).toBe('EUR')
    expect(again.value).toBe(items.reduce((s, i) => s + (i.amount_at_risk_reporting ?? 0), 0))
    expect(again.fx_coverage).toBe((items.length - 3) / items.length)
    // Sorted by amount, the three with no reporting amount come last in either direction, and
    // pages of one cross into and through them (their sort key is beyond any amount).
    for (const sort of ['-amount_at_risk', 'amount_at_risk']) {
      const paged = await listAll(server.url, `sort=${sort}`, 1)
      expect(paged.map((i) => i.id)).toEqual((await listAll(server.url, `sort=${sort}`)).map((i) => i.id))
      expect(paged.slice(-3).map((i) => i.amount_at_risk_reporting)).toEqual([null, null, null])
      expect(paged.slice(0, -3).every((i) => i.amount_at_risk_reporting !== null)).toBe(true)
    }
    await settings({ reporting_currency: 'USD' })
    expect(await kpi('unbilled_wip')).toMatchObject({ currency: 'USD', value: 2230 })
    // A rate that arrives later converts what had none: the exception's content changes with it.
    await put(server.url, 'erp', 'fx_rate', [fx('FX-GBP-0201', 'GBP', '2024-02-01', '1.50')])
    expect(await kpi('unbilled_wip')).toMatchObject({ value: 2230 + 300, fx_coverage: 5 / 6 })
    await detect(server.url)
    expect(await reporting('unbilled_time_over_90_days')).toEqual({ 'P-EUR': 550, 'P-GBP': 300 })
  })
})

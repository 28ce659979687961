// Boundaries of the billing rules of CONTRACT §4: invoice_amount_mismatch (tolerance
// max(1.00, 0.5 % of the computed sum)) and unbilled_time_over_90_days.
import { describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { byKey, day, detect, put, rec } from './helpers/rules.ts'

const server = useServer()

describe('invoice_amount_mismatch', () => {
  it('fires when an issued or paid T&M invoice differs from its ERP time and billable expenses by more than max(1.00, 0.5 %)', async () => {
    await put(server.url, 'erp', 'project', [
      rec.project('INV-P-tm', { practice: 'Finance Transformation' }),
      rec.project('INV-P-ff', { billing_type: 'fixed_fee' }),
      rec.project('INV-P-nb', { billing_type: 'non_billable' }),
    ])
    // invoice key → [its ERP time entries as [hours, bill_rate?], invoice amount, status?, project?]
    const cases: Array<[string, Array<[string, string?]>, string, string?, string?]> = [
      ['INV-small-eq', [['1', '100']], '101.00'], // |diff| = 1.00 = the floor of 1.00
      ['INV-small-over', [['1', '100']], '101.01'],
      ['INV-small-under', [['1', '100']], '98.99'],
      ['INV-big-eq', [['10', '1000']], '10050'], // 0.5 % of 10,000 = 50
      ['INV-big-over', [['10', '1000']], '10050.01'],
      ['INV-big-under-eq', [['5', '1000'], ['5', '1000']], '9950'],
      ['INV-big-under', [['10', '1000']], '9949.99'],
      ['INV-no-rate', [['1', '100'], ['3']], '100'],
      ['INV-draft', [['1', '100']], '500', 'draft'],
      ['INV-void', [['1', '100']], '500', 'void'],
      ['INV-paid', [['1', '100']], '500', 'paid'],
      ['INV-fixed-fee', [['1', '100']], '500', 'issued', 'INV-P-ff'],
      ['INV-non-billable', [['1', '100']], '500', 'issued', 'INV-P-nb'],
      ['INV-no-erp-project', [['1', '100']], '500', 'issued', 'INV-P-nowhere'],
      ['INV-empty', [], '500'],
      ['INV-deleted-entry', [['1', '100'], ['1', '100']], '100'],
      ['INV-psa-ignored', [['1', '100']], '100'],
    ]
    const erpTime = cases.flatMap(([inv, entries, , , project]) =>
      entries.map(([hours, bill_rate], i) =>
        rec.time_entry(`${inv}-T${i}`, { invoice_key: inv, project_key: project ?? 'INV-P-tm', hours, bill_rate, work_date: day(-20) }),
      ),
    )
    await put(server.url, 'erp', 'time_entry', erpTime)
    await put(server.url, 'erp', 'time_entry', [{ key: 'INV-deleted-entry-T1', deleted: true }], { observed_at: '2024-06-15T00:00:00Z' })
    // The PSA copy of an invoiced entry with other hours is not what the ERP billed.
    await put(server.url, 'psa', 'time_entry', [rec.time_entry('INV-psa-ignored-T0', { invoice_key: 'INV-psa-ignored', hours: '9', bill_rate: '100' })])
    // Expenses: 1,000 of time + 250 billable (+ 999 not billable, not counted) = 1,250.
    await put(server.url, 'erp', 'time_entry', [
      rec.time_entry('INV-exp-T0', { invoice_key: 'INV-exp', project_key: 'INV-P-tm', hours: '10', bill_rate: '100' }),
      rec.time_entry('INV-exp-missing-T0', { invoice_key: 'INV-exp-missing', project_key: 'INV-P-tm', hours: '10', bill_rate: '100' }),
    ])
    await put(server.url, 'erp', 'expense', [
      rec.expense('INV-exp-E0', { invoice_key: 'INV-exp', project_key: 'INV-P-tm', amount: '250' }),
      rec.expense('INV-exp-E1', { invoice_key: 'INV-exp', project_key: 'INV-P-tm', amount: '999', billable: false }),
      rec.expense('INV-exp-missing-E0', { invoice_key: 'INV-exp-missing', project_key: 'INV-P-tm', amount: '250' }),
    ])
    await put(server.url, 'erp', 'invoice', [
      ...cases.map(([key, , amount, status, project]) => rec.invoice(key, { amount, status: status ?? 'issued', project_key: project ?? 'INV-P-tm' })),
      rec.invoice('INV-exp', { amount: '1250', project_key: 'INV-P-tm' }),
      rec.invoice('INV-exp-missing', { amount: '1000', project_key: 'INV-P-tm' }),
    ])

    await detect(server.url)
    const found = await byKey(server.url, 'invoice_amount_mismatch', 'INV-')
    expect(Object.keys(found).sort()).toEqual([
      'INV-big-over', 'INV-big-under', 'INV-empty', 'INV-exp-missing', 'INV-paid', 'INV-small-over', 'INV-small-under',
    ])
    const amounts = Object.fromEntries(Object.entries(found).map(([k, e]) => [k, e.amount_at_risk]))
    expect(amounts).toEqual({
      'INV-big-over': 50.01,
      'INV-big-under': 50.01,
      'INV-empty': 500,
      'INV-exp-missing': 250,
      'INV-paid': 400,
      'INV-small-over': 1.01,
      'INV-small-under': 1.01,
    })
    const e = found['INV-exp-missing']
    expect(e.severity).toBe('critical')
    expect(e.owner).toBe('billing')
    expect(e.practice).toBe('Finance Transformation')
    expect(Number(e.details.erp.expected_amount)).toBe(1250)
    expect(Number(e.details.erp.expense_amount)).toBe(250)
    expect(Number(e.details.erp.invoice_amount)).toBe(1000)
  })
})

describe('unbilled_time_over_90_days', () => {
  it('fires for a T&M ERP project with approved billable uninvoiced ERP time more than 90 days before D', async () => {
    await put(server.url, 'erp', 'project', [
      rec.project('UNB-P90'),
      rec.project('UNB-P91', { currency: 'EUR' }),
      rec.project('UNB-fixed-fee', { billing_type: 'fixed_fee' }),
      rec.project('UNB-non-billable', { billing_type: 'non_billable' }),
      rec.project('UNB-psa-only'),
      rec.project('UNB-closed', { status: 'closed' }),
      rec.project('UNB-invoiced'),
    ])
    const t = (key: string, project_key: string, work_date: string, o: Record<string, unknown> = {}) =>
      rec.time_entry(key, { project_key, work_date, hours: '8', bill_rate: '150', ...o })
    await put(server.url, 'erp', 'time_entry', [
      t('UNB-T1', 'UNB-P90', day(-90)),
      t('UNB-T2', 'UNB-P91', day(-91)),
      t('UNB-T3', 'UNB-P91', day(-200), { hours: '4', bill_rate: undefined }),
      t('UNB-T4', 'UNB-P91', day(-10), { hours: '10' }), // not old: not in the amount
      t('UNB-T5', 'UNB-P91', day(-120), { invoice_key: 'INV-X' }),
      t('UNB-T6', 'UNB-P91', day(-120), { billable: false }),
      t('UNB-T7', 'UNB-P91', day(-120), { status: 'submitted' }),
      t('UNB-T8', 'UNB-fixed-fee', day(-200)),
      t('UNB-T9', 'UNB-non-billable', day(-200)),
      t('UNB-T10', 'UNB-closed', day(-100), { hours: '1', bill_rate: '100' }),
      t('UNB-T11', 'UNB-invoiced', day(-100), { invoice_key: 'INV-Y' }),
      t('UNB-T12', 'UNB-no-erp-project', day(-200)),
    ])
    await put(server.url, 'psa', 'time_entry', [t('UNB-T13', 'UNB-psa-only', day(-200))])

    await detect(server.url)
    const found = await byKey(server.url, 'unbilled_time_over_90_days', 'UNB-')
    expect(Object.keys(found).sort()).toEqual(['UNB-P91', 'UNB-closed'])
    expect(found['UNB-P91'].amount_at_risk).toBe(1200) // 8 h × 150 (+ 4 h × no rate)
    expect(found['UNB-P91'].currency).toBe('EUR')
    expect(found['UNB-closed'].amount_at_risk).toBe(100)
    expect(found['UNB-P91'].entity_type).toBe('project')
    expect(Number(found['UNB-P91'].details.erp.unbilled_entries)).toBe(2)
    expect(found['UNB-P91'].details.erp.oldest_work_date).toBe(day(-200))

    // D is the UTC date of as_of: 23:30 at -02:00 is already the next day (UNB-P90's entry 91 days
    // old), 01:30 at +02:00 is still the day before.
    await detect(server.url, '2024-06-15T23:30:00-02:00')
    expect(Object.keys(await byKey(server.url, 'unbilled_time_over_90_days', 'UNB-')).sort()).toEqual(['UNB-P90', 'UNB-P91', 'UNB-closed'])
    await detect(server.url, '2024-06-16T01:30:00+02:00')
    expect(Object.keys(await byKey(server.url, 'unbilled_time_over_90_days', 'UNB-')).sort()).toEqual(['UNB-P91', 'UNB-closed'])
  })
})

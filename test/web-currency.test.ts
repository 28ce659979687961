// The dashboard's money in the reporting currency (CONTRACT §5 Currency): an amount with its
// reporting counterpart when the currencies differ, the note for figures whose records lacked a
// rate, and the settings draft that saves the reporting currency.
import { describe, expect, it } from 'vitest'
import { formatFxNote, formatMoneyWithReporting } from '../web/lib/format.ts'
import { toBody, toDraft } from '../web/routes/settings/draft.ts'

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('formatFxNote', () => {
  it('says what share of records had no rate, and nothing when all converted', () => {
    expect(formatFxNote(0.97)).toBe('3% of records had no exchange rate and are left out')
    expect(formatFxNote(0.5)).toBe('50% of records had no exchange rate and are left out')
    expect(formatFxNote(0)).toBe('100% of records had no exchange rate and are left out')
    expect(formatFxNote(1)).toBeNull()
    expect(formatFxNote(undefined)).toBeNull()
    expect(formatFxNote(null)).toBeNull()
  })
  it('never rounds an incomplete figure to 0%', () => {
    expect(formatFxNote(0.999)).toBe('<1% of records had no exchange rate and are left out')
    expect(formatFxNote(0.996)).toBe('<1% of records had no exchange rate and are left out')
    expect(formatFxNote(0.994)).toBe('1% of records had no exchange rate and are left out')
  })
  it('writes the share in the reader\'s locale', () => {
    expect(nbsp(formatFxNote(0.75, 'de-DE')!)).toBe('25 % of records had no exchange rate and are left out')
  })
})

describe('formatMoneyWithReporting', () => {
  it('shows the native amount, and the reporting one only when the currencies differ', () => {
    expect(formatMoneyWithReporting(1000, 'EUR', 1200, 'USD')).toEqual({ native: '€1,000', reporting: '$1,200' })
    expect(formatMoneyWithReporting(1234.5, 'USD', 1234.5, 'USD')).toEqual({ native: '$1,234.50', reporting: null })
  })
  it('takes an amount without a currency as the reporting currency', () => {
    expect(formatMoneyWithReporting(99, null, 99, 'GBP', 'en-GB')).toEqual({ native: '£99', reporting: null })
  })
  it('says when no rate converted it', () => {
    expect(formatMoneyWithReporting(100, 'JPY', null, 'USD')).toEqual({ native: '¥100', reporting: 'no exchange rate' })
  })
  it('shows a dash for no amount, with nothing beside it', () => {
    expect(formatMoneyWithReporting(null, 'EUR', null, 'USD')).toEqual({ native: '—', reporting: null })
  })
})

describe('settings draft: reporting currency', () => {
  const none = {} as never
  const sla = { critical: 4, high: 24, medium: 72, low: 168 }
  const saved = { routing: [], rules: {}, sla_hours: {}, reporting_currency: 'EUR' }
  it('loads the saved currency and always sends it back, upper-cased and trimmed', () => {
    const d = toDraft(saved as never, none, sla)
    expect(d.reporting).toBe('EUR')
    expect(toBody(d, none, sla)).toEqual({ routing: [], rules: {}, sla_hours: {}, reporting_currency: 'EUR' })
    // Back to USD is sent too: a save without it would keep EUR.
    d.reporting = ' usd '
    expect(toBody(d, none, sla).reporting_currency).toBe('USD')
    // Invalid text is sent as it is, so the server's 400 names reporting_currency.
    d.reporting = 'EURO'
    expect(toBody(d, none, sla).reporting_currency).toBe('EURO')
  })
})

// The dashboard's formatters: money by locale with its currency, percentages, KPI values,
// changes, dates (never shifted by time zone), relative times and durations.
import { describe, expect, it } from 'vitest'
import {
  formatChange,
  formatDate,
  formatDateTime,
  formatDuration,
  formatField,
  formatHours,
  formatKpi,
  formatMoney,
  formatMonth,
  formatNumber,
  formatPercent,
  formatRelative,
  humanize,
} from '../web/lib/format.ts'

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('formatMoney', () => {
  it('formats by locale with the currency', () => {
    expect(formatMoney(1234.5, 'USD', 'en-US')).toBe('$1,234.50')
    expect(formatMoney(2400000, 'USD', 'en-US')).toBe('$2,400,000')
    expect(nbsp(formatMoney(1234.5, 'EUR', 'de-DE'))).toBe('1.234,50 €')
    expect(formatMoney(99, 'GBP', 'en-GB')).toBe('£99')
  })
  it('compacts for tiles and axes', () => {
    expect(formatMoney(5466408.99, 'USD', 'en-US', true)).toBe('$5.47M')
    expect(formatMoney(1045114.875, 'USD', 'en-US', true)).toBe('$1.05M')
    expect(formatMoney(744732.375, 'USD', 'en-US', true)).toBe('$745K')
    expect(formatMoney(950, 'USD', 'en-US', true)).toBe('$950')
    expect(nbsp(formatMoney(16457787.52, 'EUR', 'de-DE', true))).toBe('16,5 Mio. €')
  })
  it('shows a dash for missing values, and keeps negative amounts', () => {
    expect(formatMoney(null)).toBe('—')
    expect(formatMoney(Number.NaN)).toBe('—')
    expect(formatMoney(-640, 'USD', 'en-US')).toBe('-$640')
  })
})

describe('percentages and numbers', () => {
  it('formats ratios as percentages', () => {
    expect(formatPercent(0.40174775, 'en-US')).toBe('40.2%')
    expect(formatPercent(1.0024, 'en-US', 1)).toBe('100.2%')
    expect(nbsp(formatPercent(0.5, 'de-DE', 0))).toBe('50 %')
    expect(formatPercent(undefined)).toBe('—')
  })
  it('formats numbers with grouping', () => {
    expect(formatNumber(40065.5, 'en-US')).toBe('40,066')
    expect(formatNumber(40065.5, 'en-US', 1)).toBe('40,065.5')
    expect(formatNumber(null)).toBe('—')
  })
})

describe('formatKpi', () => {
  it('formats each unit', () => {
    expect(formatKpi('ratio', 0.4017)).toBe('40.2%')
    expect(formatKpi('currency', 16457787.52)).toBe('$16.5M')
    expect(formatKpi('currency', 16457787.52, 'en-US', 'USD', false)).toBe('$16,457,787.52')
    expect(formatKpi('days', 11.728)).toBe('11.7 d')
    expect(formatKpi('hours', 22.745)).toBe('22.7 h')
    expect(formatKpi('hours', null)).toBe('—')
  })
})

describe('formatChange', () => {
  it('uses percentage points for ratios', () => {
    expect(formatChange('ratio', 0.42, 0.4)).toEqual({ text: '+2.0 pp', direction: 'up' })
    expect(formatChange('ratio', 0.38, 0.4)).toEqual({ text: '−2.0 pp', direction: 'down' })
    expect(formatChange('ratio', 0.40001, 0.4)).toEqual({ text: '±0.0 pp', direction: 'flat' })
  })
  it('uses relative change otherwise', () => {
    expect(formatChange('currency', 110, 100)).toEqual({ text: '+10.0%', direction: 'up' })
    expect(formatChange('days', 9, 12)).toEqual({ text: '−25.0%', direction: 'down' })
    expect(formatChange('currency', 5, 0)).toEqual({ text: 'from 0', direction: 'up' })
    expect(formatChange('currency', 0, 0)).toEqual({ text: '±0%', direction: 'flat' })
  })
  it('has nothing to say without both values', () => {
    expect(formatChange('currency', 5, null)).toBeNull()
    expect(formatChange('ratio', null, 0.3)).toBeNull()
  })
})

describe('dates and times', () => {
  it('formats calendar dates without a time-zone shift', () => {
    expect(formatDate('2026-01-01', 'en-US')).toBe('Jan 1, 2026')
    expect(formatDate('2026-12-31', 'en-GB')).toBe('31 Dec 2026')
    expect(formatDate(null)).toBe('—')
    expect(formatDate('not a date')).toBe('not a date')
  })
  it('formats datetimes in the zone given', () => {
    expect(nbsp(formatDateTime('2026-11-24T02:53:53.298Z', 'en-US', 'UTC'))).toBe('Nov 24, 2026, 2:53 AM')
    expect(nbsp(formatDateTime('2026-11-24T02:53:53.298Z', 'en-US', 'America/New_York'))).toBe('Nov 23, 2026, 9:53 PM')
  })
  it('formats month groups', () => {
    expect(formatMonth('2026-06-01', 'en-US')).toBe('Jun 2026')
    expect(formatMonth('2026-06-01', 'en-US', true)).toBe('Jun')
  })
  it('formats relative times', () => {
    const now = Date.parse('2026-11-24T12:00:00Z')
    expect(formatRelative('2026-11-24T09:00:00Z', now, 'en-US')).toBe('3 hr. ago')
    expect(formatRelative('2026-11-26T12:00:00Z', now, 'en-US')).toBe('in 2 days')
    expect(formatRelative('2026-11-24T11:59:30Z', now, 'en-US')).toBe('30 sec. ago')
    expect(formatRelative(null, now)).toBe('—')
  })
})

describe('durations', () => {
  it('picks the unit by size', () => {
    expect(formatDuration(0.5)).toBe('0.5 ms')
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(4791)).toBe('4.8 s')
    expect(formatDuration(42_000)).toBe('42 s')
    expect(formatDuration(125_000)).toBe('2 m 05 s')
    expect(formatDuration(3 * 3600_000 + 10 * 60_000)).toBe('3 h 10 m')
    expect(formatDuration(2 * 86400_000 + 4 * 3600_000)).toBe('2 d 4 h')
    expect(formatDuration(null)).toBe('—')
  })
  it('formats hours, switching to days past two days', () => {
    expect(formatHours(22.745)).toBe('22.7 h')
    expect(formatHours(58.7)).toBe('2.4 d')
  })
})

describe('text', () => {
  it('humanizes identifiers', () => {
    expect(humanize('time_entry')).toBe('Time entry')
    expect(humanize('quote_to_project')).toBe('Quote to project')
    expect(humanize(null)).toBe('—')
  })
  it('formats record fields', () => {
    expect(formatField(true)).toBe('yes')
    expect(formatField(null)).toBe('—')
    expect(formatField('')).toBe('—')
    expect(formatField('17.5')).toBe('17.5')
    expect(formatField({ a: 1 })).toBe('{"a":1}')
  })
})

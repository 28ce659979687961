// The snooze dialog's dates (web/lib/snooze.ts): UTC days, so "tomorrow" is always in the future.
import { describe, expect, it } from 'vitest'
import { quickDates, snoozeLabel } from '../web/lib/snooze.ts'

describe('snooze quick dates', () => {
  it('tomorrow, next Monday and in a week are UTC days after today', () => {
    // A Saturday evening in UTC (already Sunday in Tokyo, still Saturday in California).
    expect(quickDates(new Date('2026-12-05T23:30:00Z'))).toEqual({ tomorrow: '2026-12-06', monday: '2026-12-07', week: '2026-12-12' })
    // On a Monday, next Monday is a week on, never today.
    expect(quickDates(new Date('2026-12-07T00:00:00Z')).monday).toBe('2026-12-14')
    // On a Sunday, next Monday is tomorrow; across a month and a year end.
    expect(quickDates(new Date('2026-12-27T10:00:00Z'))).toEqual({ tomorrow: '2026-12-28', monday: '2026-12-28', week: '2027-01-03' })
  })

  it('a snooze ending at a UTC midnight reads as its date, any other end as its time', () => {
    expect(snoozeLabel('2026-07-01T00:00:00.000Z', 'en-US')).toBe('Jul 1, 2026')
    expect(snoozeLabel('2026-07-01T07:30:00.000Z', 'en-US')).toMatch(/Jul 1, 2026/)
    expect(snoozeLabel('2026-07-01T07:30:00.000Z', 'en-US')).toMatch(/\d:30/)
  })
})

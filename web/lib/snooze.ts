// Snooze dates as the dashboard offers and shows them. Dates are UTC days: the server takes a
// date as the start of that day, UTC, so "tomorrow" is in the future wherever the reader is. Pure.
import { formatDate, formatDateTime } from './format.ts'

/** YYYY-MM-DD of the UTC day `days` after now's. */
export function utcDay(now: Date, days: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10)
}

/** The quick choices: tomorrow, the next Monday (a week on when today is a Monday), in a week. */
export function quickDates(now: Date): { tomorrow: string; monday: string; week: string } {
  const toMonday = (8 - now.getUTCDay()) % 7 || 7
  return { tomorrow: utcDay(now, 1), monday: utcDay(now, toMonday), week: utcDay(now, 7) }
}

/** A snooze's end: its date when it ends at a UTC midnight (as a date snooze does), else the time. */
export function snoozeLabel(until: string, locale: string): string {
  return until.endsWith('T00:00:00.000Z') ? formatDate(until.slice(0, 10), locale) : formatDateTime(until, locale)
}

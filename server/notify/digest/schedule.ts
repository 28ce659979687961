// When a digest is due: a local time of day in an IANA time zone, daily or on one weekday.
// Local times are turned into UTC instants with Intl (Node's full ICU), so DST changes move
// the UTC instant and never the local time.
import { z } from 'zod'

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const
export type Weekday = (typeof WEEKDAYS)[number]

const timeZone = z.string().refine(validTimeZone, { message: 'expected an IANA time zone such as Europe/Paris' })
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a local time HH:MM such as 08:00' })
const weekday = z.enum(WEEKDAYS, { error: `expected one of ${WEEKDAYS.join(', ')}` })

/** A digest's schedule as the config and subscriptions give it. */
export const digestSchema = z.strictObject({
  frequency: z.enum(['daily', 'weekly', 'off'], { error: 'expected one of daily, weekly, off' }),
  local_time: localTime.default('08:00'),
  time_zone: timeZone.default('UTC'),
  /** Weekly digests: the day they go out (default monday). */
  weekday: weekday.optional(),
})

export type DigestSchedule = z.output<typeof digestSchema>
export const scheduleFields = { localTime, timeZone, weekday }

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock reading of an instant in a time zone. */
export function localParts(at: Date, tz: string): LocalParts {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(tz, f)
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, Number(x.value)]))
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second }
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetAt(at: number, tz: string): number {
  const p = localParts(new Date(at), tz)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000
}

/**
 * The UTC instant a local date and time names in a zone. A time skipped by a spring-forward
 * change comes out an hour later, as clocks show it; a repeated one takes its first occurrence.
 */
export function zonedInstant(date: string, time: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  const [hh, mm] = time.split(':').map(Number)
  const wall = Date.UTC(y, m - 1, d, hh, mm)
  const first = wall - offsetAt(wall - offsetAt(wall, tz), tz)
  // The earlier of the two candidates around a fall-back change.
  const earlier = wall - offsetAt(first - 3_600_000, tz)
  const round = (t: number) => localParts(new Date(t), tz).hour === hh && localParts(new Date(t), tz).minute === mm
  return new Date(earlier < first && round(earlier) ? earlier : first)
}

const isoDate = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10)
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const weekdayOf = (date: string): Weekday => WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]

export interface Slot {
  /** The local date the digest is for (weekly: the day it goes out). */
  period: string
  /** When it is due, UTC. */
  at: Date
}

/** The latest slot of a schedule at or before `now`; null when it is off. */
export function lastSlot(s: DigestSchedule, now: Date): Slot | null {
  if (s.frequency === 'off') return null
  const today = localParts(now, s.time_zone)
  let date = isoDate(today.year, today.month, today.day)
  for (let i = 0; i < 9; i++, date = addDays(date, -1)) {
    if (s.frequency === 'weekly' && weekdayOf(date) !== (s.weekday ?? 'monday')) continue
    const at = zonedInstant(date, s.local_time, s.time_zone)
    if (at.getTime() <= now.getTime()) return { period: date, at }
  }
  return null
}

/** The next slot after `now` (for showing when a digest goes out). */
export function nextSlot(s: DigestSchedule, now: Date): Slot | null {
  if (s.frequency === 'off') return null
  const today = localParts(now, s.time_zone)
  let date = isoDate(today.year, today.month, today.day)
  for (let i = 0; i < 9; i++, date = addDays(date, 1)) {
    if (s.frequency === 'weekly' && weekdayOf(date) !== (s.weekday ?? 'monday')) continue
    const at = zonedInstant(date, s.local_time, s.time_zone)
    if (at.getTime() > now.getTime()) return { period: date, at }
  }
  return null
}

/** A period's length, for "new since" when there is no earlier digest. */
export const periodMs = (s: DigestSchedule) => (s.frequency === 'weekly' ? 7 : 1) * 86_400_000

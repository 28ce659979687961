// The period and as_of every finance view takes: from/to dates (default: the year to date of
// as_of) and as_of (default now).
import { badRequest } from '../lib/errors.ts'
import { parseDatetime } from '../lib/time.ts'
import { isCalendarDate } from '../model/fields.ts'

export function periodParams(all: Record<string, string[]>): { asOf: Date; from: string; to: string } {
  const asOfText = all.as_of?.[0]
  const asOf = asOfText ? parseDatetime(asOfText) : new Date()
  if (!asOf) throw badRequest('bad_parameter', `as_of: expected an ISO-8601 datetime with Z or an offset, got '${asOfText}'.`, { field: 'as_of' })
  for (const k of ['from', 'to'])
    if (all[k]?.[0] !== undefined && !isCalendarDate(all[k][0]))
      throw badRequest('bad_parameter', `${k}: expected a date YYYY-MM-DD, got '${all[k][0]}'.`, { field: k })
  const to = all.to?.[0] ?? asOf.toISOString().slice(0, 10)
  const from = all.from?.[0] ?? `${to.slice(0, 4)}-01-01`
  if (from > to) throw badRequest('bad_parameter', `from (${from}) is after to (${to}).`, { field: 'from' })
  return { asOf, from, to }
}

// The period and as_of of a finance view, from its validated query (schemas.ts `period`): as_of
// defaults to now (the injected clock), from/to to the year to date of as_of.
import { badRequest } from '../lib/errors.ts'
import { parseDatetime } from '../lib/time.ts'

export interface Period {
  asOf: Date
  from: string
  to: string
}

/** `now` is the services' clock; a from after to is a 400 naming from. */
export function resolvePeriod(q: { from?: string; to?: string; as_of?: string }, now: Date): Period {
  // The schema has checked as_of: it parses.
  const asOf = q.as_of ? parseDatetime(q.as_of)! : now
  const to = q.to ?? asOf.toISOString().slice(0, 10)
  const from = q.from ?? `${to.slice(0, 4)}-01-01`
  if (from > to) throw badRequest('bad_parameter', `from (${from}) is after to (${to}).`, { field: 'from' })
  return { asOf, from, to }
}

// Asks for the overview's seven tile values as the app boots, in parallel with the session
// check and the overview's code, when the first page is the live overview. The overview then
// finds the answers in the GET cache (same URLs). Without a session they fail quietly.
import { HIGH } from './api.ts'
import { kpi } from './endpoints.ts'
import { planTile, TILES } from './kpi-tiles.ts'
import { isPeriod, periodRange } from './periods.ts'

export function prefetchOverview(location: Location) {
  if (location.pathname !== '/') return
  const q = new URLSearchParams(location.search)
  if (q.get('as_of')) return
  const p = q.get('period') ?? 'ytd'
  if (!isPeriod(p)) return
  const now = new Date()
  const range = periodRange(p, now)
  for (const t of TILES) kpi(t.name, planTile(t, range, now, 'en-US', true).current, HIGH).catch(() => undefined)
}

// What the reads bench asks for. The overview's first load is built with the dashboard's own
// code (web/lib: the tiles' request plan, the period presets, the URL builder), so its URLs are
// exactly the browser's; the varied half covers every KPI breakdown over the usual periods, the
// exception list's filters, sorts and later pages, summaries, reconciliation, sources and
// transaction health.
import { buildUrl, type Query } from '../../web/lib/api.ts'
import { TILES, planTile } from '../../web/lib/kpi-tiles.ts'
import { periodRange, type DateRange, type PeriodPreset } from '../../web/lib/periods.ts'
import { COMPARISONS } from '../../server/reconciliation/catalog.ts'

const V1 = '/api/v1'

export interface KpiDef { name: string; dims: string[]; period: boolean }

/**
 * One pick of a reader: a request, optionally followed along `next_cursor` — `pages` more pages
 * of `nextLimit` (the exception list), or until `maxItems` items (the overview's full load).
 */
export interface Pick { url: string; follow?: { pages?: number; maxItems?: number; nextLimit: number } }

const kpiUrl = (name: string, q: Query) => buildUrl(`${V1}/kpis/${name}`, q)

/** The overview on first load (live, year to date), as web/routes/overview*.tsx asks for it. */
export function overviewPicks(now: Date): Pick[] {
  const range = periodRange('ytd', now)
  const urls = new Set<string>([buildUrl(`${V1}/kpis`)])
  for (const t of TILES) {
    const plan = planTile(t, range, now, 'en-US', true)
    urls.add(kpiUrl(t.name, { ...plan.current }))
    // Money at risk's previous value and sparkline come from the exception timeline (overview/weekly.ts).
    if (t.name === 'money_at_risk') {
      const instants = [...plan.spark.map((q) => q.as_of!), plan.current.as_of ?? now.toISOString(), plan.previous.as_of!]
      urls.add(buildUrl(`${V1}/exceptions/timeline`, { weeks: 8, at: instants }))
      continue
    }
    urls.add(kpiUrl(t.name, { ...plan.previous }))
    for (const q of plan.spark) urls.add(kpiUrl(t.name, { ...q }))
  }
  // The charts: utilization by practice (the tile's own request) and by region, WIP by age (the tile's).
  urls.add(kpiUrl('utilization', { from: range.from, to: range.to, by: 'region' }))
  for (const by of ['status', 'rule', 'owner']) urls.add(buildUrl(`${V1}/exceptions/summary`, { by }))
  urls.add(buildUrl(`${V1}/health`))
  // The weekly opened/resolved chart.
  urls.add(buildUrl(`${V1}/exceptions/timeline`, { weeks: 8 }))
  return [...urls].map((url) => ({ url }))
}

const PERIODS: PeriodPreset[] = ['mtd', 'last_month', 'last_quarter', 'ytd', 'last_12m']

/** KPI requests: every breakdown (and none) of every KPI, period KPIs over the given periods. */
export function kpiPicks(catalog: KpiDef[], ranges: DateRange[], extra: Query = {}): Pick[] {
  const out: Pick[] = []
  for (const k of catalog)
    for (const by of [undefined, ...k.dims]) {
      if (!k.period) out.push({ url: kpiUrl(k.name, { by, ...extra }) })
      else for (const r of ranges) out.push({ url: kpiUrl(k.name, { ...r, by, ...extra }) })
    }
  return out
}

const distinct = (picks: Pick[]): Pick[] => [...new Map(picks.map((p) => [p.url, p])).values()]

export function variedPicks(catalog: KpiDef[], asOf: Date, values: { rules: string[]; owners: string[] }): Pick[] {
  const out = kpiPicks(catalog, PERIODS.map((p) => periodRange(p, asOf)))
  // The exception list as its page loads it (200 first, then pages of 1,000): filters, sorts, later pages.
  const list = (q: Query) => out.push({ url: buildUrl(`${V1}/exceptions`, { ...q, limit: 200 }), follow: { pages: 3, nextLimit: 1000 } })
  for (const rule of values.rules) list({ rule })
  for (const severity of ['critical', 'high', 'medium', 'low']) list({ severity })
  for (const owner of values.owners.slice(0, 12)) list({ owner })
  for (const status of ['open', 'acknowledged', 'resolved', 'all']) list({ status })
  for (const sort of ['-amount_at_risk', 'age', '-age', 'due_at']) list({ sort })
  for (const by of ['rule', 'owner', 'severity', 'age', 'overdue', 'status']) out.push({ url: buildUrl(`${V1}/exceptions/summary`, { by }) })
  // Reconciliation: the finance page's matrix (this month, last month, year to date), and each comparison by each dimension.
  for (const p of ['mtd', 'last_month', 'ytd'] as const) out.push({ url: buildUrl(`${V1}/reconciliation`, { ...periodRange(p, asOf) }) })
  for (const c of COMPARISONS)
    for (const by of [undefined, 'period', 'practice', 'project'])
      out.push({ url: buildUrl(`${V1}/reconciliation`, { pair: c.pair, entity: c.entity, by, ...periodRange('ytd', asOf) }) })
  out.push({ url: buildUrl(`${V1}/sources`) })
  for (const days of [7, 30, 90]) {
    const from = new Date(asOf.getTime() - days * 86_400_000).toISOString().slice(0, 10)
    for (const by of ['workflow', 'day']) out.push({ url: buildUrl(`${V1}/transactions/health`, { by, from }) })
  }
  return distinct(out)
}

/** Time travel: KPIs as of instants inside the history, over the month and quarter before and the last 13 weeks. */
export function pastPicks(catalog: KpiDef[], instants: string[]): Pick[] {
  return distinct(instants.flatMap((t) => {
    const at = new Date(t)
    const weeks = { from: new Date(at.getTime() - 90 * 86_400_000).toISOString().slice(0, 10), to: t.slice(0, 10) }
    return kpiPicks(catalog, [periodRange('last_month', at), periodRange('last_quarter', at), weeks], { as_of: t })
  }))
}

/** The route a URL exercises, e.g. `GET /kpis/utilization`. */
export const routeOf = (url: string): string => `GET ${url.replace(V1, '').split('?')[0]}`

// Loads the seven overview tiles for a period: every current value first (high priority), then
// previous periods and sparklines (low priority), each tile filling in as its answers arrive.
// Money at risk is a current figure (the API reads the latest detection run), so its history
// comes from the exceptions' detection and resolution times (GET /exceptions/timeline).
import { createComputed, on } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { errorMessage, HIGH, LOW } from '../../lib/api.ts'
import type { KpiName } from '../../lib/endpoints.ts'
import { exceptionSummary, kpi } from '../../lib/endpoints.ts'
import { formatNumber } from '../../lib/format.ts'
import { monthlySeries, planTile, TILES, tileDetail } from '../../lib/kpi-tiles.ts'
import type { DateRange } from '../../lib/periods.ts'
import { moneyAtRiskHistory } from './weekly.ts'

export interface TileState {
  loaded: boolean
  value: number | null
  previous: number | null
  spark: Array<number | null> | null
  coverage: number | null
  detail?: string
  changeLabel: string
  error: string | null
}

const blank = (): TileState => ({ loaded: false, value: null, previous: null, spark: null, coverage: null, changeLabel: '', error: null })
const blanks = () => Object.fromEntries(TILES.map((t) => [t.name, blank()])) as Record<KpiName, TileState>

export function useTiles(params: () => { range: DateRange; asOf: Date; live: boolean }, fmt: () => { locale: string; currency: string }) {
  const [tiles, setTiles] = createStore<Record<KpiName, TileState>>(blanks())
  let generation = 0

  // createComputed (not createEffect) so the tile requests are queued before the charts'.
  createComputed(
    on(params, ({ range, asOf, live }) => {
      const gen = ++generation
      setTiles(reconcile(blanks()))
      for (const def of TILES) {
        const plan = planTile(def, range, asOf, fmt().locale, live)
        const set = <K extends keyof TileState>(k: K, v: TileState[K]) => gen === generation && setTiles(def.name, k, v)
        set('changeLabel', plan.changeLabel)
        const current = kpi(def.name, plan.current, HIGH)
        current
          .then((a) => {
            set('value', a.value)
            set('loaded', true)
            set('coverage', a.coverage)
            const detail = tileDetail(a, fmt().locale, fmt().currency)
            if (detail) set('detail', detail)
          })
          .catch((e) => set('error', errorMessage(e)))

        if (def.name === 'money_at_risk') {
          exceptionSummary('status')
            .then((sum) => {
              const open = sum.items.reduce((n, r) => n + r.count, 0)
              const overdue = sum.items.reduce((n, r) => n + r.overdue, 0)
              set('detail', `${formatNumber(open, fmt().locale)} open exceptions · ${formatNumber(overdue, fmt().locale)} overdue`)
            })
            .catch(() => undefined)
          const instants = [...plan.spark.map((q) => q.as_of!), plan.current.as_of ?? asOf.toISOString()]
          moneyAtRiskHistory([...instants, plan.previous.as_of!])
            .then((values) => {
              set('spark', values.slice(0, instants.length))
              set('previous', values[instants.length])
            })
            .catch(() => set('spark', instants.map(() => null)))
          continue
        }

        kpi(def.name, plan.previous, LOW)
          .then((a) => set('previous', a.value))
          .catch(() => set('previous', null))
        if (def.pointInTime) {
          Promise.all([...plan.spark.map((q) => kpi(def.name, q, LOW).then((x) => x.value)), current.then((a) => a.value)])
            .then((v) => set('spark', v))
            .catch(() => set('spark', plan.months.map(() => null)))
        } else if (plan.spark.length > 1) {
          Promise.all(plan.spark.map((q) => kpi(def.name, q, LOW).then((x) => x.value)))
            .then((v) => set('spark', v))
            .catch(() => set('spark', plan.months.map(() => null)))
        } else {
          kpi(def.name, plan.spark[0], LOW)
            .then((a) => set('spark', monthlySeries(a, plan.months)))
            .catch(() => set('spark', plan.months.map(() => null)))
        }
      }
    }),
  )
  return tiles
}

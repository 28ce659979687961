// The executive overview: seven KPI tiles and the charts behind them, for a period and an
// as_of instant that live in the URL. Every tile opens its breakdown; every chart element
// drills into the filtered exception list (or the breakdown, for roles without the list).
import { useNavigate, useSearchParams } from '@solidjs/router'
import { createMemo, For, lazy, Show, Suspense } from 'solid-js'
import KpiTile from '../components/KpiTile.tsx'
import type { KpiName } from '../lib/endpoints.ts'
import { formatChange, formatDate, formatKpi } from '../lib/format.ts'
import { isKpiName, kpiDef, TILES } from '../lib/kpi-tiles.ts'
import { isPeriod, PERIOD_LABELS, PERIODS, periodRange, type PeriodPreset } from '../lib/periods.ts'
import { fmt } from '../lib/prefs.ts'
import { canReadExceptions } from '../lib/permissions.ts'
import { currentUser } from '../lib/session.ts'
import { ChartsLoading } from './overview/loading.tsx'
import { wideTile } from './overview/tile-grid.ts'
import { useTiles } from './overview/use-tiles.ts'

// The charts (and ECharts with them) load in parallel with the tiles, so the numbers and the
// pickers are usable before the chart library has been parsed.
const OverviewCharts = lazy(() => import('./overview/charts.tsx'))
const Breakdown = lazy(() => import('./overview/breakdown.tsx'))
const Measures = lazy(() => import('./overview/measures.tsx'))
void OverviewCharts.preload()
void Measures.preload()

export default function Overview() {
  const [params, setParams] = useSearchParams<{ period?: string; as_of?: string; kpi?: string; by?: string }>()
  const navigate = useNavigate()
  const today = new Date().toISOString().slice(0, 10)

  const period = (): PeriodPreset => (isPeriod(params.period) ? params.period : 'ytd')
  const asOfDate = () => (params.as_of && /^\d{4}-\d{2}-\d{2}$/.test(params.as_of) && params.as_of < today ? params.as_of : null)
  // "Now" is fixed when the page opens, so every request of one view uses the same instant.
  const opened = new Date()
  const query = createMemo(
    () => {
      const d = asOfDate()
      const asOf = d ? new Date(`${d}T23:59:59.999Z`) : opened
      return { asOf, live: !d, range: periodRange(period(), asOf) }
    },
    undefined,
    { equals: (a, b) => a.asOf.getTime() === b.asOf.getTime() && a.range.from === b.range.from && a.range.to === b.range.to },
  )

  const tiles = useTiles(query, fmt)
  const openBreakdown = (name: KpiName) => setParams({ kpi: name, by: kpiDef(name).dims[0] })
  const picked = () => (isKpiName(params.kpi) ? params.kpi : null)

  return (
    <div class="page overview" data-testid="overview">
      <header class="page-head">
        <div>
          <h1>Overview</h1>
          <p class="muted">
            {formatDate(query().range.from, fmt().locale)} – {formatDate(query().range.to, fmt().locale)}
            <Show when={asOfDate()} fallback={<span> · live</span>}>
              <span> · as of {formatDate(asOfDate()!, fmt().locale)}</span>
            </Show>
          </p>
        </div>
        <div class="toolbar">
          <label class="field-inline">
            <span>Period</span>
            <select data-testid="period" value={period()} onChange={(e) => setParams({ period: e.currentTarget.value })}>
              <For each={[...PERIODS]}>{(p) => <option value={p}>{PERIOD_LABELS[p]}</option>}</For>
            </select>
          </label>
          <label class="field-inline">
            <span>As of</span>
            <input type="date" data-testid="as-of" max={today} value={asOfDate() ?? today} onChange={(e) => setParams({ as_of: e.currentTarget.value && e.currentTarget.value < today ? e.currentTarget.value : undefined })} />
          </label>
        </div>
      </header>

      <section class="tiles" aria-label="Key figures">
        <For each={TILES}>
          {(t, i) => {
            const s = () => tiles[t.name]
            const def = kpiDef(t.name)
            const unit = () => def.unit
            return (
              <KpiTile
                name={t.name}
                title={def.title}
                definition={def.definition}
                value={!s().loaded && !s().error ? null : formatKpi(unit(), s().value, fmt().locale, fmt().currency)}
                detail={s().detail}
                change={formatChange(unit(), s().value, s().previous, fmt().locale)}
                changeLabel={s().changeLabel}
                goodWhenUp={t.goodWhenUp}
                spark={s().spark}
                coverage={s().coverage}
                coverageText={def.coverage}
                locale={fmt().locale}
                error={s().error}
                wide={wideTile(i(), TILES.length)}
                onOpen={() => openBreakdown(t.name)}
              />
            )
          }}
        </For>
      </section>

      <Suspense fallback={<ChartsLoading />}>
        <OverviewCharts query={query()} onDrill={(href) => navigate(href)} onBreakdown={(name, by) => setParams({ kpi: name, by })} />
      </Suspense>

      <h2 class="overview-section">Margin, forecast and bench</h2>
      <Suspense fallback={<ChartsLoading />}>
        <Measures query={query()} />
      </Suspense>

      <Show when={picked()}>
        {(name) => (
          <Breakdown
            name={name()}
            by={params.by}
            def={kpiDef(name())}
            query={query()}
            title={kpiDef(name()).title}
            onBy={(by) => setParams({ by })}
            onClose={() => setParams({ kpi: undefined, by: undefined })}
          />
        )}
      </Show>
    </div>
  )
}

// A KPI's breakdown by one of its dimensions: the rows behind the tile, as a chart and a table,
// with a link to the exceptions that explain it.
import { A } from '@solidjs/router'
import { createResource, For, Show } from 'solid-js'
import Chart from '../../components/Chart.tsx'
import Drawer from '../../components/Drawer.tsx'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import { CoverageBadge } from '../../components/pills.tsx'
import type { KpiName } from '../../lib/endpoints.ts'
import { barListOption } from '../../lib/charts/bars.ts'
import { kpi } from '../../lib/endpoints.ts'
import { formatKpi, formatMonth, formatNumber, humanize } from '../../lib/format.ts'
import { TILES, type CatalogEntry } from '../../lib/kpi-tiles.ts'
import { endOfDay, type DateRange } from '../../lib/periods.ts'
import { canReadExceptions } from '../../lib/permissions.ts'
import { fmt, palette } from '../../lib/prefs.ts'
import { KPI_RULES, ruleTitle } from '../../lib/rules.ts'
import { currentUser } from '../../lib/session.ts'

export default function Breakdown(props: {
  name: KpiName
  by?: string
  def: CatalogEntry
  title: string
  query: { range: DateRange; asOf: Date; live: boolean }
  onBy: (by: string) => void
  onClose: () => void
}) {
  const dims = () => props.def.dims
  const by = () => (props.by && dims().includes(props.by) ? props.by : dims()[0])
  const unit = () => props.def.unit
  const pointInTime = () => TILES.find((t) => t.name === props.name)?.pointInTime ?? false
  const args = () => {
    const b = by()
    if (!b) return null
    const asOf = props.query.asOf.toISOString()
    const live = props.query.live ? undefined : asOf
    if (!pointInTime()) return { name: props.name, by: b, from: props.query.range.from, to: props.query.range.to, as_of: live }
    const end = endOfDay(props.query.range.to)
    return { name: props.name, by: b, as_of: end < asOf ? end : live }
  }
  const [data, { refetch }] = createResource(args, ({ name, ...q }) => kpi(name, q))
  const label = (g: string) => (by() === 'month' ? formatMonth(g, fmt().locale) : by() === 'rule' ? ruleTitle(g) : g || '(none)')
  const rows = () => {
    const r = [...(data()?.rows ?? [])]
    return by() === 'month' || by() === 'age' ? r : r.sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
  }
  const rules = () => KPI_RULES[props.name] ?? []

  return (
    <Drawer title={<>{props.title} <span class="muted">by {humanize(by() ?? '').toLowerCase()}</span></>} onClose={props.onClose} testid="breakdown" wide>
      <p class="muted small">{props.def.definition}</p>
      <div class="tabs" role="tablist">
        <For each={dims()}>
          {(d) => (
            <button role="tab" class="tab" classList={{ active: d === by() }} aria-selected={d === by()} onClick={() => props.onBy(d)} data-testid={`by-${d}`}>
              {humanize(d)}
            </button>
          )}
        </For>
      </div>
      <Show when={!data.error} fallback={<ErrorNote error={data.error} onRetry={refetch} />}>
        <Show when={data() && !data.loading} fallback={<Skeleton lines={6} height={18} />}>
          <div class="breakdown-total">
            <span class="big" data-testid="breakdown-value">
              {formatKpi(unit(), data()!.value, fmt().locale, fmt().currency, false)}
            </span>
            <CoverageBadge coverage={data()!.coverage} locale={fmt().locale} />
          </div>
          <Show when={rows().length}>
            <Chart
              option={barListOption({ items: rows().slice(0, 15).map((r) => ({ key: r.group, label: label(r.group), value: r.value })), unit: unit(), palette: palette(), fmt: fmt() })}
              height={Math.min(15, rows().length) * 30 + 30}
              label={`${props.title} by ${by()}`}
              testid="breakdown-chart"
            />
          </Show>
          <table class="table" data-testid="breakdown-table">
            <thead>
              <tr>
                <th>{humanize(by() ?? '')}</th>
                <th class="num">Value</th>
                <th class="num">Numerator</th>
                <th class="num">Denominator</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()} fallback={<tr><td colspan="4" class="muted">No rows for this period.</td></tr>}>
                {(r) => (
                  <tr>
                    <td>{label(r.group)}</td>
                    <td class="num">{formatKpi(unit(), r.value, fmt().locale, fmt().currency, false)}</td>
                    <td class="num">{formatNumber(r.numerator, fmt().locale, 2)}</td>
                    <td class="num">{formatNumber(r.denominator, fmt().locale, 2)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
      <Show when={rules().length && canReadExceptions(currentUser()?.role ?? 'executive')}>
        <div class="related">
          <h3>Exceptions that move this number</h3>
          <ul>
            <For each={rules()}>
              {(r) => (
                <li>
                  <A href={`/exceptions?rule=${r}`}>{ruleTitle(r)}</A>
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
    </Drawer>
  )
}

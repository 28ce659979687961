// The overview's charts. Each element drills down: to the exception list filtered by what was
// clicked, or, for roles that only read KPIs and summaries, to the KPI's breakdown.
import { createResource, For, Show } from 'solid-js'
import Chart, { type ChartClick } from '../../components/Chart.tsx'
import ChartCard from '../../components/ChartCard.tsx'
import type { KpiName } from '../../lib/api-types.ts'
import { moneyByGroupOption, utilizationOption, WIP_BUCKETS, wipAgingOption } from '../../lib/charts/bars.ts'
import { freshnessOption, openedResolvedOption } from '../../lib/charts/series.ts'
import { exceptionSummary, health, kpi } from '../../lib/endpoints.ts'
import { formatMoney, formatNumber, formatPercent } from '../../lib/format.ts'
import { endOfDay, type DateRange } from '../../lib/periods.ts'
import { canReadExceptions, canSee } from '../../lib/permissions.ts'
import { fmt, palette, setUtilizationTarget, utilizationTarget } from '../../lib/prefs.ts'
import { ruleTitle } from '../../lib/rules.ts'
import { currentUser } from '../../lib/session.ts'
import { weeklyOpenedResolved } from './weekly.ts'

const SLA_HOURS = 24

export default function OverviewCharts(props: {
  query: { range: DateRange; asOf: Date; live: boolean }
  onDrill: (href: string) => void
  onBreakdown: (name: KpiName, by: string) => void
}) {
  const role = () => currentUser()?.role ?? 'executive'
  const list = () => canReadExceptions(role())
  const period = () => ({ from: props.query.range.from, to: props.query.range.to, as_of: props.query.live ? undefined : props.query.asOf.toISOString() })
  const instant = () => {
    const end = endOfDay(props.query.range.to)
    return end < props.query.asOf.toISOString() ? end : props.query.live ? '' : props.query.asOf.toISOString()
  }

  const [byPractice, { refetch: rp }] = createResource(period, (q) => kpi('utilization', { ...q, by: 'practice' }))
  const [byRegion, { refetch: rr }] = createResource(period, (q) => kpi('utilization', { ...q, by: 'region' }))
  const [wip, { refetch: rw }] = createResource(() => ({ as_of: instant() || undefined }), (q) => kpi('unbilled_wip', { ...q, by: 'age' }))
  const [byRule, { refetch: rru }] = createResource(() => exceptionSummary('rule'))
  const [byOwner, { refetch: ro }] = createResource(() => exceptionSummary('owner'))
  const [weekly, { refetch: rwk }] = createResource(list, (ok) => (ok ? weeklyOpenedResolved() : null))
  const [fresh, { refetch: rf }] = createResource(() => health())

  const wipDrill = (bucket: string) => (bucket === '91+' ? drill(q('rule', 'unbilled_time_over_90_days'), ['unbilled_wip', 'project']) : props.onBreakdown('unbilled_wip', 'project'))
  const drill = (href: string, fallback?: [KpiName, string]) => (list() ? props.onDrill(href) : fallback && props.onBreakdown(...fallback))
  const q = (k: string, v: string) => `/exceptions?${new URLSearchParams({ [k]: v })}`

  return (
    <section class="charts" aria-label="Charts">
      <ChartCard
        title="Utilization by practice"
        subtitle={`Target ${formatPercent(utilizationTarget(), fmt().locale, 0)} · billable approved hours over capacity`}
        loading={byPractice.loading}
        error={byPractice.error}
        onRetry={rp}
        empty={byPractice()?.rows.length === 0 && 'No capacity in this period'}
        testid="chart-utilization-practice"
        actions={
          <label class="target-input" title="Target utilization">
            <span class="muted small">Target</span>
            <input
              type="number"
              min="10"
              max="120"
              step="5"
              value={Math.round(utilizationTarget() * 100)}
              data-testid="utilization-target"
              onChange={(e) => {
                const v = Number(e.currentTarget.value)
                if (v >= 10 && v <= 120) setUtilizationTarget(v / 100)
              }}
            />
            <span class="muted small">%</span>
          </label>
        }
      >
        <Chart
          option={utilizationOption(byPractice()?.rows ?? [], utilizationTarget(), palette(), fmt())}
          height={Math.max(150, (byPractice()?.rows.length ?? 0) * 40 + 40)}
          label="Utilization by practice"
          testid="chart-practice"
          onClick={(c: ChartClick) => drill(q('practice', c.key), ['utilization', 'practice'])}
        />
      </ChartCard>
      <ChartCard
        title="Utilization by region"
        subtitle="Same period and target"
        loading={byRegion.loading}
        error={byRegion.error}
        onRetry={rr}
        empty={byRegion()?.rows.length === 0 && 'No capacity in this period'}
        testid="chart-utilization-region"
      >
        <Chart
          option={utilizationOption(byRegion()?.rows ?? [], utilizationTarget(), palette(), fmt())}
          height={Math.max(150, (byRegion()?.rows.length ?? 0) * 40 + 40)}
          label="Utilization by region"
          testid="chart-region"
          onClick={(c) => drill(q('region', c.key), ['utilization', 'region'])}
        />
      </ChartCard>
      <ChartCard
        title="Unbilled WIP by age"
        subtitle={<Show when={wip()}>{(w) => <>{formatMoney(w().value, fmt().currency, fmt().locale, true)} approved, billable, not invoiced</>}</Show>}
        loading={wip.loading}
        error={wip.error}
        onRetry={rw}
        empty={wip()?.value === 0 && 'No unbilled time: everything approved is invoiced'}
        testid="chart-wip"
      >
        <Chart
          option={wipAgingOption(wip()?.rows ?? [], palette(), fmt())}
          height={96}
          label="Unbilled WIP by age bucket"
          testid="chart-wip-aging"
          onClick={(c) => wipDrill(c.key)}
        />
        <div class="buckets">
          <For each={[...WIP_BUCKETS]}>
            {(b, i) => {
              const v = () => wip()?.rows.find((r) => r.group === b)?.value ?? 0
              return (
                <button class="bucket" onClick={() => wipDrill(b)} data-testid={`wip-${b}`}>
                  <span class="bucket-dot" style={{ background: palette().aging[i()] }} />
                  <span class="muted small">{b} days</span>
                  <strong>{formatMoney(v(), fmt().currency, fmt().locale, true)}</strong>
                  <span class="muted small">{wip()?.value ? formatPercent(v() / wip()!.value!, fmt().locale, 0) : '—'}</span>
                </button>
              )
            }}
          </For>
        </div>
      </ChartCard>
      <ChartCard
        title="Money at risk by rule"
        subtitle={<Show when={byRule()}>{(s) => <>{formatNumber(s().items.reduce((n, r) => n + r.count, 0), fmt().locale)} open exceptions</>}</Show>}
        loading={byRule.loading}
        error={byRule.error}
        onRetry={rru}
        empty={byRule()?.items.length === 0 && 'Nothing at risk: no open exceptions'}
        testid="chart-money-rule"
      >
        <Chart
          option={moneyByGroupOption(byRule()?.items ?? [], ruleTitle, palette(), fmt())}
          height={Math.min(8, byRule()?.items.length ?? 0) * 34 + 30}
          label="Money at risk by rule"
          testid="chart-rule"
          onClick={(c) => drill(q('rule', c.key), ['money_at_risk', 'rule'])}
        />
      </ChartCard>
      <ChartCard title="Money at risk by owner" loading={byOwner.loading} error={byOwner.error} onRetry={ro} empty={byOwner()?.items.length === 0 && 'No open exceptions'} testid="chart-money-owner">
        <Chart
          option={moneyByGroupOption(byOwner()?.items ?? [], (g) => g, palette(), fmt())}
          height={Math.min(8, byOwner()?.items.length ?? 0) * 34 + 30}
          label="Money at risk by owner"
          testid="chart-owner"
          onClick={(c) => drill(q('owner', c.key), ['money_at_risk', 'owner'])}
        />
      </ChartCard>
      <ChartCard
        title="Data freshness"
        subtitle={`Hours since each source last sent data · SLA ${SLA_HOURS} h`}
        loading={fresh.loading}
        error={fresh.error}
        onRetry={rf}
        empty={fresh()?.sources.length === 0 && 'No sources configured'}
        testid="chart-freshness"
      >
        <Chart
          option={freshnessOption(
            (fresh()?.sources ?? []).map((s) => ({ system: s.system, ageHours: s.age_seconds === null ? null : s.age_seconds / 3600 })),
            SLA_HOURS,
            palette(),
            fmt(),
          )}
          height={Math.max(120, (fresh()?.sources.length ?? 0) * 36 + 40)}
          label="Data freshness per source"
          testid="chart-sources"
          onClick={(c) => (list() ? props.onDrill(q('system', c.key)) : canSee(role(), 'sources') && props.onDrill('/sources'))}
        />
        <p class="muted small legend-note">
          {(fresh()?.sources ?? []).filter((s) => !s.fresh).length} of {(fresh()?.sources ?? []).length} sources late
        </p>
      </ChartCard>
      <ChartCard
        title="Exceptions opened vs resolved"
        subtitle="Per week, last 8 weeks"
        loading={weekly.loading}
        error={weekly.error}
        onRetry={rwk}
        empty={!list() && 'Weekly trend is shown to roles that read the exception list'}
        testid="chart-weekly"
        wide
      >
        <Chart
          option={openedResolvedOption(weekly() ?? [], palette(), fmt())}
          height={200}
          label="Exceptions opened and resolved per week"
          testid="chart-opened-resolved"
          onClick={(c) => drill(c.seriesName === 'Resolved' ? '/exceptions?status=resolved&sort=-age' : '/exceptions?sort=-age')}
        />
      </ChartCard>
    </section>
  )
}

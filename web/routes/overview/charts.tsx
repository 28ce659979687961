// The overview's charts. Each element drills down: to the exception list filtered by what was
// clicked, or, for roles that only read KPIs and summaries, to the KPI's breakdown.
import { createResource, For, Show } from 'solid-js'
import Chart, { type ChartClick } from '../../components/Chart.tsx'
import ChartCard from '../../components/ChartCard.tsx'
import { moneyByGroupOption, utilizationOption, WIP_BUCKETS, wipAgingOption } from '../../lib/charts/bars.ts'
import { freshnessOption, openedResolvedOption } from '../../lib/charts/series.ts'
import { exceptionSummary, health, kpi, type KpiAnswer, type KpiName, type SummaryAnswer } from '../../lib/endpoints.ts'
import { formatMoney, formatNumber, formatPercent } from '../../lib/format.ts'
import { endOfDay, type DateRange } from '../../lib/periods.ts'
import { canReadExceptions, canSee } from '../../lib/permissions.ts'
import { fmt, palette, setUtilizationTarget, utilizationTarget } from '../../lib/prefs.ts'
import { ruleTitle } from '../../lib/rules.ts'
import { currentUser } from '../../lib/session.ts'
import { states, type CardState } from './card-states.ts'
import { weeklyOpenedResolved } from './weekly.ts'
import { KPIS } from '../../../server/kpis/catalog.ts'

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

  const drill = (href: string, fallback?: [KpiName, string]) => (list() ? props.onDrill(href) : fallback && props.onBreakdown(...fallback))
  const q = (k: string, v: string) => `/exceptions?${new URLSearchParams({ [k]: v })}`
  // The oldest bucket is what unbilled_time_over_90_days flags: its exceptions explain it.
  const wipDrill = (bucket: string) => (bucket === WIP_BUCKETS.at(-1) ? drill(q('rule', 'unbilled_time_over_90_days'), ['unbilled_wip', 'project']) : props.onBreakdown('unbilled_wip', 'project'))
  const freshDrill = (c: ChartClick) => (list() ? props.onDrill(q('system', c.key)) : canSee(role(), 'sources') && props.onDrill('/sources'))

  return (
    <section class="charts" aria-label="Charts">
      <UtilizationCard by="practice" answer={byPractice()} {...states(byPractice, rp)} onClick={(c) => drill(q('practice', c.key), ['utilization', 'practice'])} />
      <UtilizationCard by="region" answer={byRegion()} {...states(byRegion, rr)} onClick={(c) => drill(q('region', c.key), ['utilization', 'region'])} />
      <WipCard answer={wip()} {...states(wip, rw)} onBucket={wipDrill} />
      <MoneyCard by="rule" answer={byRule()} {...states(byRule, rru)} label={ruleTitle} onClick={(c) => drill(q('rule', c.key), ['money_at_risk', 'rule'])} />
      <MoneyCard by="owner" answer={byOwner()} {...states(byOwner, ro)} label={(g) => g} onClick={(c) => drill(q('owner', c.key), ['money_at_risk', 'owner'])} />
      <ChartCard
        title="Data freshness"
        subtitle={`Hours since each source last sent data · SLA ${SLA_HOURS} h`}
        {...states(fresh, rf)}
        empty={fresh()?.sources.length === 0 && 'No sources configured'}
        testid="chart-freshness"
      >
        <Chart
          option={freshnessOption((fresh()?.sources ?? []).map((s) => ({ system: s.system, ageHours: s.age_seconds === null ? null : s.age_seconds / 3600 })), SLA_HOURS, palette(), fmt())}
          height={Math.max(120, (fresh()?.sources.length ?? 0) * 36 + 40)}
          label="Data freshness per source"
          testid="chart-sources"
          onClick={freshDrill}
        />
        <p class="muted small legend-note">
          {(fresh()?.sources ?? []).filter((s) => !s.fresh).length} of {(fresh()?.sources ?? []).length} sources late
        </p>
      </ChartCard>
      <ChartCard title="Exceptions opened vs resolved" subtitle="Per week, last 8 weeks" {...states(weekly, rwk)} empty={!list() && 'Weekly trend is shown to roles that read the exception list'} testid="chart-weekly" wide>
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

/** Utilization by practice (with the target, which colours bars under it) or by region. */
function UtilizationCard(props: CardState & { by: 'practice' | 'region'; answer: KpiAnswer | undefined; onClick: (c: ChartClick) => void }) {
  const practice = () => props.by === 'practice'
  return (
    <ChartCard
      title={`Utilization by ${props.by}`}
      subtitle={practice() ? `Target ${formatPercent(utilizationTarget(), fmt().locale, 0)} · billable approved hours over capacity` : 'Same period and target'}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={props.answer?.rows.length === 0 && 'No capacity in this period'}
      testid={`chart-utilization-${props.by}`}
      actions={practice() ? <TargetInput /> : undefined}
    >
      <Chart
        option={utilizationOption(props.answer?.rows ?? [], utilizationTarget(), palette(), fmt())}
        height={Math.max(150, (props.answer?.rows.length ?? 0) * 40 + 40)}
        label={`Utilization by ${props.by}`}
        testid={`chart-${props.by}`}
        onClick={props.onClick}
      />
    </ChartCard>
  )
}

function TargetInput() {
  return (
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
  )
}

/** Unbilled WIP as one bar stacked by age, with a button per bucket. */
function WipCard(props: CardState & { answer: KpiAnswer | undefined; onBucket: (bucket: string) => void }) {
  const total = () => props.answer?.value ?? 0
  return (
    <ChartCard
      title={`${KPIS.unbilled_wip.title} by age`}
      subtitle={<Show when={props.answer}>{(w) => <>{formatMoney(w().value, fmt().currency, fmt().locale, true)} approved, billable, not invoiced</>}</Show>}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={props.answer?.value === 0 && 'No unbilled time: everything approved is invoiced'}
      testid="chart-wip"
    >
      <Chart option={wipAgingOption(props.answer?.rows ?? [], palette(), fmt())} height={96} label={`${KPIS.unbilled_wip.title} by age bucket`} testid="chart-wip-aging" onClick={(c) => props.onBucket(c.key)} />
      <div class="buckets">
        <For each={[...WIP_BUCKETS]}>
          {(b, i) => {
            const v = () => props.answer?.rows.find((r) => r.group === b)?.value ?? 0
            return (
              <button class="bucket" onClick={() => props.onBucket(b)} data-testid={`wip-${b}`}>
                <span class="bucket-dot" style={{ background: palette().aging[i()] }} />
                <span class="muted small">{b} days</span>
                <strong>{formatMoney(v(), fmt().currency, fmt().locale, true)}</strong>
                <span class="muted small">{total() ? formatPercent(v() / total(), fmt().locale, 0) : '—'}</span>
              </button>
            )
          }}
        </For>
      </div>
    </ChartCard>
  )
}

/** Money at risk of open exceptions by rule or by owner. */
function MoneyCard(props: CardState & { by: 'rule' | 'owner'; answer: SummaryAnswer | undefined; label: (group: string) => string; onClick: (c: ChartClick) => void }) {
  const items = () => props.answer?.items ?? []
  return (
    <ChartCard
      title={`Money at risk by ${props.by}`}
      subtitle={props.by === 'rule' ? <Show when={props.answer}>{(s) => <>{formatNumber(s().items.reduce((n, r) => n + r.count, 0), fmt().locale)} open exceptions</>}</Show> : undefined}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={props.answer?.items.length === 0 && (props.by === 'rule' ? 'Nothing at risk: no open exceptions' : 'No open exceptions')}
      testid={`chart-money-${props.by}`}
    >
      <Chart
        option={moneyByGroupOption(items(), props.label, palette(), fmt())}
        height={Math.min(8, items().length) * 34 + 30}
        label={`Money at risk by ${props.by}`}
        testid={`chart-${props.by}`}
        onClick={props.onClick}
      />
    </ChartCard>
  )
}

// Transactions: workflow health (failure rate and p95 duration per day) and the list of
// integration transactions, each opening its span waterfall. Filters live in the URL.
import { A, useSearchParams } from '@solidjs/router'
import { createResource, createSignal, For, Show } from 'solid-js'
import Chart from '../components/Chart.tsx'
import ChartCard from '../components/ChartCard.tsx'
import Drawer from '../components/Drawer.tsx'
import { EmptyState, ErrorNote, Skeleton } from '../components/feedback.tsx'
import SpanWaterfall from '../components/SpanWaterfall.tsx'
import VirtualTable, { type Column } from '../components/VirtualTable.tsx'
import { errorMessage } from '../lib/api.ts'
import type { TransactionItem, TransactionQuery } from '../lib/endpoints.ts'
import { workflowHealthOption } from '../lib/charts/series.ts'
import { transactionDetail, transactionHealth, transactionList } from '../lib/endpoints.ts'
import { formatDateTime, formatDuration, formatNumber, formatPercent, humanize } from '../lib/format.ts'
import { fmt, locale, palette } from '../lib/prefs.ts'
import { ruleTitle } from '../lib/rules.ts'

type Params = { workflow?: string; status?: string; system?: string; entity_key?: string; days?: string; trace?: string }

/** The status filter the list takes; anything else in the URL means any status. */
const txStatus = (s?: string): TransactionQuery['status'] => (s === 'ok' || s === 'failed' ? s : undefined)

const columns: Column<TransactionItem>[] = [
  { id: 'status', width: '96px', header: 'Status', cell: (t) => <span class={`pill ${t().status === 'failed' ? 'sev-critical' : 'status-resolved'}`}>{t().status === 'failed' ? 'Failed' : 'OK'}</span> },
  { id: 'workflow', width: '150px', header: 'Workflow', cell: (t) => <span class="cell-main">{humanize(t().workflow)}</span> },
  {
    id: 'entity',
    width: 'minmax(0, 1.2fr)',
    header: 'Entity',
    cell: (t) => (
      <div class="cell-stack">
        <span class="mono">{t().entity_key ?? '—'}</span>
        <span class="cell-sub">{humanize(t().entity_type)}</span>
      </div>
    ),
  },
  { id: 'systems', width: 'minmax(0, 1.2fr)', header: 'Systems', cell: (t) => <span class="muted">{t().systems.join(' → ')}</span> },
  { id: 'started', width: '196px', header: 'Started', cell: (t) => <>{formatDateTime(t().started_at, locale())}</> },
  { id: 'duration', width: '90px', align: 'right', header: 'Duration', cell: (t) => <>{formatDuration(t().duration_ms)}</> },
  { id: 'error', width: 'minmax(0, 1.6fr)', header: 'Failed step', cell: (t) => <span class="tx-fail" title={t().error_message ?? ''}>{t().failed_step ? `${t().failed_step}: ${t().error_message ?? ''}` : ''}</span> },
]

/** The list for the filters: a first page, and more as the table scrolls. */
function useTransactionList(filter: () => TransactionQuery) {
  const [more, setMore] = createSignal<TransactionItem[]>([])
  const [cursor, setCursor] = createSignal<string | null>(null)
  const [list, { refetch }] = createResource(filter, async (q) => {
    const p = await transactionList({ ...q, limit: 100 })
    setMore([])
    setCursor(p.next_cursor)
    return p.items
  })
  const rows = () => [...(list() ?? []), ...more()]
  const loadMore = async () => {
    if (!cursor()) return
    try {
      const p = await transactionList({ ...filter(), limit: 500, cursor: cursor()! })
      setMore([...more(), ...p.items])
      setCursor(p.next_cursor)
    } catch (e) {
      setCursor(null)
      console.error(errorMessage(e))
    }
  }
  return { list, rows, refetch, loadMore }
}

type Health = Awaited<ReturnType<typeof transactionHealth>>['items'][number]

/** A card per workflow: failure rate and p95; a click filters the page to it (again: all). */
function WorkflowCards(props: { health: Health[] | undefined; loading: boolean; active?: string; onPick: (workflow: string | undefined) => void }) {
  return (
    <section class="wf-cards" aria-label="Workflow health">
      <Show when={!props.loading} fallback={<Skeleton lines={2} height={60} />}>
        <For each={props.health ?? []} fallback={<EmptyState title="No transactions in this window">Send traces to POST /v1/traces (OTLP/HTTP) with a crosswalk.workflow attribute.</EmptyState>}>
          {(w) => (
            <button class="card wf-card" classList={{ active: props.active === w.workflow }} onClick={() => props.onPick(props.active === w.workflow ? undefined : (w.workflow ?? undefined))} data-testid="workflow-card">
              <div class="cell-main">{humanize(w.workflow)}</div>
              <div class="wf-stats">
                <div>
                  <div class="big-num" classList={{ bad: w.failure_rate > 0.1 }}>{formatPercent(w.failure_rate, locale(), 0)}</div>
                  <div class="muted small">failed of {formatNumber(w.transactions, locale())}</div>
                </div>
                <div>
                  <div class="big-num">{formatDuration(w.p95_ms)}</div>
                  <div class="muted small">p95 · p50 {formatDuration(w.p50_ms)}</div>
                </div>
              </div>
            </button>
          )}
        </For>
      </Show>
    </section>
  )
}

/** One transaction: its facts, span waterfall and the open exceptions of its entity. */
function TransactionDrawer(props: { trace: string; onClose: () => void }) {
  const [detail] = createResource(() => props.trace, transactionDetail)
  return (
    <Drawer title={<>Transaction <span class="mono muted">{props.trace.slice(0, 12)}…</span></>} onClose={props.onClose} testid="tx-detail" wide>
      <Show when={!detail.error} fallback={<ErrorNote error={detail.error} />}>
        <Show when={detail()} fallback={<Skeleton lines={6} />}>
          {(d) => (
            <>
              <dl class="facts">
                <div><dt>Workflow</dt><dd>{humanize(d().workflow)}</dd></div>
                <div><dt>Entity</dt><dd class="mono">{d().entity_key ?? '—'}</dd></div>
                <div><dt>Status</dt><dd classList={{ overdue: d().status === 'failed' }}>{d().status === 'failed' ? `Failed at ${d().failed_step}` : 'OK'}</dd></div>
                <div><dt>Started</dt><dd>{formatDateTime(d().started_at, locale())}</dd></div>
                <div><dt>Duration</dt><dd>{formatDuration(d().duration_ms)}</dd></div>
                <div><dt>Spans</dt><dd>{d().spans.length}</dd></div>
              </dl>
              <Show when={d().error_message}>
                <div class="error-note">{d().error_message}</div>
              </Show>
              <h3 class="section-title">Spans</h3>
              <SpanWaterfall spans={d().spans} />
              <h3 class="section-title">Open exceptions for {d().entity_key}</h3>
              <Show when={d().exceptions.length} fallback={<p class="muted small">None.</p>}>
                <ul class="related-list">
                  <For each={d().exceptions}>{(e) => <li><A href={`/exceptions?id=${e.id}`}>{ruleTitle(e.rule)}</A> <span class="muted small">· {e.owner}</span></li>}</For>
                </ul>
              </Show>
            </>
          )}
        </Show>
      </Show>
    </Drawer>
  )
}

export default function Transactions() {
  const [params, setParams] = useSearchParams<Params>()
  const days = () => (['7', '30', '90'].includes(params.days ?? '') ? Number(params.days) : 30)
  const from = () => new Date(Date.now() - days() * 86400_000).toISOString().slice(0, 10)
  const filter = () => ({ workflow: params.workflow, status: txStatus(params.status), system: params.system, entity_key: params.entity_key, from: from() })

  const [byWorkflow] = createResource(from, (f) => transactionHealth('workflow', { from: f }))
  const [byDay, { refetch: refetchDays }] = createResource(
    () => ({ f: from(), w: params.workflow }),
    ({ f, w }) => transactionHealth(w ? 'workflow_day' : 'day', { from: f }).then((h) => (w ? h.items.filter((i) => i.workflow === w) : h.items)),
  )
  const { list, rows, refetch, loadMore } = useTransactionList(filter)


  return (
    <div class="page transactions" data-testid="transactions">
      <header class="page-head">
        <div>
          <h1>Transactions</h1>
          <p class="muted">Integration runs across systems, from traces (OpenTelemetry)</p>
        </div>
        <div class="toolbar">
          <label class="field-inline">
            <span>Window</span>
            <select value={String(days())} onChange={(e) => setParams({ days: e.currentTarget.value === '30' ? undefined : e.currentTarget.value })} data-testid="window">
              <option value="7">Last 7 days</option>
              <option value="30">Last 30 days</option>
              <option value="90">Last 90 days</option>
            </select>
          </label>
        </div>
      </header>

      <WorkflowCards health={byWorkflow()?.items} loading={byWorkflow.loading} active={params.workflow} onPick={(workflow) => setParams({ workflow })} />

      <ChartCard title={`Health per day${params.workflow ? ` · ${humanize(params.workflow)}` : ''}`} subtitle="Failure rate and p95 duration" loading={byDay.loading} error={byDay.error} onRetry={refetchDays} empty={byDay()?.length === 0 && 'No transactions in this window'} testid="chart-health">
        <Chart option={workflowHealthOption(byDay() ?? [], palette(), fmt())} height={220} label="Failure rate and p95 duration per day" testid="chart-workflow-health" />
      </ChartCard>

      <div class="filters">
        <select value={params.status ?? ''} onChange={(e) => setParams({ status: e.currentTarget.value || undefined })} data-testid="tx-status" aria-label="Status">
          <option value="">Any status</option>
          <option value="failed">Failed</option>
          <option value="ok">OK</option>
        </select>
        <input type="search" placeholder="Entity key" value={params.entity_key ?? ''} onChange={(e) => setParams({ entity_key: e.currentTarget.value.trim() || undefined })} data-testid="tx-entity" aria-label="Entity key" />
        <input type="search" placeholder="System" value={params.system ?? ''} onChange={(e) => setParams({ system: e.currentTarget.value.trim() || undefined })} aria-label="System" />
        <Show when={params.workflow || params.status || params.system || params.entity_key}>
          <button class="btn btn-ghost btn-small" onClick={() => setParams({ workflow: undefined, status: undefined, system: undefined, entity_key: undefined })}>
            Clear filters
          </button>
        </Show>
      </div>

      <div class="tx-table">
        <Show when={!list.error} fallback={<ErrorNote error={list.error} onRetry={refetch} />}>
          <Show when={!list.loading || rows().length} fallback={<div class="vtable"><Skeleton lines={8} height={22} /></div>}>
            <Show when={rows().length} fallback={<div class="vtable"><EmptyState title="No transactions match">Clear the filters or widen the window.</EmptyState></div>}>
              <VirtualTable label="Transactions" testid="tx-table" rows={rows()} columns={columns} rowKey={(t) => t.trace_id} rowHeight={46} minWidth={900} onRowClick={(t) => setParams({ trace: t.trace_id })} onEndReached={loadMore} isSelected={(t) => t.trace_id === params.trace} />
            </Show>
          </Show>
        </Show>
      </div>

      <Show when={params.trace}>
        {(trace) => <TransactionDrawer trace={trace()} onClose={() => setParams({ trace: undefined })} />}
      </Show>
    </div>
  )
}

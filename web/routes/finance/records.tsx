// Record-level differences for one comparison and match status: each record's amounts on both
// sides, the gap, the rule it breaks, and (expanded) both systems' values side by side. The
// export buttons download exactly these records.
import { createResource, createSignal, For, Show } from 'solid-js'
import { EmptyState, ErrorNote, Skeleton } from '../../components/feedback.tsx'
import ExportButtons from '../../components/ExportButtons.tsx'
import SideBySide from '../../components/SideBySide.tsx'
import { errorMessage } from '../../lib/api.ts'
import { exportUrl, reconciliationRecords, type MatchStatus, type ReconRecord } from '../../lib/endpoints.ts'
import { saveExport } from '../../lib/exports.ts'
import { formatDate, formatMoney, formatMoneyWithReporting, humanize } from '../../lib/format.ts'
import { currency } from '../../lib/prefs.ts'
import { ruleTitle } from '../../lib/rules.ts'
import { toast } from '../../lib/toast.ts'

const STATUS_LABEL: Record<MatchStatus, string> = { matched: 'Matched', differing: 'Differ', only_a: 'Only in A', only_b: 'Only in B' }

export default function ReconRecords(props: { pair: string; entity: string; status: MatchStatus; from: string; to: string; locale: string; canExport: boolean }) {
  const query = () => ({ pair: props.pair, entity: props.entity, status: props.status, from: props.from, to: props.to })
  const [extra, setExtra] = createSignal<ReconRecord[]>([])
  const [cursor, setCursor] = createSignal<string | null>(null)
  const [open, setOpen] = createSignal<string | null>(null)
  const [page, { refetch }] = createResource(query, async (q) => {
    const p = await reconciliationRecords({ ...q, limit: 100 })
    setExtra([])
    setCursor(p.next_cursor)
    return p
  })
  const rows = () => [...(page()?.items ?? []), ...extra()]
  const cmp = () => page()?.comparison
  const more = async () => {
    try {
      const p = await reconciliationRecords({ ...query(), limit: 500, cursor: cursor() ?? undefined })
      setExtra([...extra(), ...p.items])
      setCursor(p.next_cursor)
    } catch (e) {
      toast(errorMessage(e), 'error')
    }
  }
  const exportAs = (format: 'csv' | 'xlsx') => saveExport(exportUrl.reconciliation(format, query()), `crosswalk-reconciliation.${format}`)
  const sideName = (side: 'a' | 'b') => cmp()?.[side] ?? side.toUpperCase()

  return (
    <section class="card" data-testid="records">
      <header class="card-head">
        <div>
          <h2>
            {cmp()?.title ?? humanize(props.entity)} · {STATUS_LABEL[props.status].replace('A', sideName('a')).replace('B', sideName('b'))}
          </h2>
          <p class="muted small">
            {formatDate(props.from, props.locale)} – {formatDate(props.to, props.locale)} · amounts are {cmp()?.amount ?? 'amounts'}
          </p>
        </div>
        <Show when={props.canExport}>
          <div class="card-actions">
            <ExportButtons onExport={exportAs} testid="export-recon" small />
          </div>
        </Show>
      </header>
      <Show when={!page.error} fallback={<ErrorNote error={page.error} onRetry={refetch} />}>
        <Show when={!page.loading} fallback={<Skeleton lines={6} height={18} />}>
          <Show when={rows().length} fallback={<EmptyState title="No records in this cell">Pick another count in the matrix, or widen the period.</EmptyState>}>
            <div class="table-wrap">
              <table class="table records">
                <thead>
                  <tr>
                    <th>Key</th>
                    <th>Rule broken</th>
                    <th>Date</th>
                    <th>Practice</th>
                    <th>Project</th>
                    <th class="num">{sideName('a')}</th>
                    <th class="num">{sideName('b')}</th>
                    <th class="num">Gap</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={rows()}>
                    {(r) => (
                      <>
                        <tr class="clickable" classList={{ expanded: open() === r.key }} onClick={() => setOpen(open() === r.key ? null : r.key)} data-testid="record-row">
                          <td class="mono">{r.key}</td>
                          <td>{r.rule ? ruleTitle(r.rule) : <span class="muted">—</span>}</td>
                          <td class="nowrap">{formatDate(r.period, props.locale)}</td>
                          <td>{r.practice ?? '—'}</td>
                          <td class="mono">{r.project_key ?? '—'}</td>
                          <td class="num">{formatMoney(r.amount_a, r.currency ?? undefined, props.locale)}</td>
                          <td class="num">{formatMoney(r.amount_b, r.currency ?? undefined, props.locale)}</td>
                          <td class="num" classList={{ neg: (r.amount_diff ?? 0) !== 0 }}>
                            {formatMoney(r.amount_diff, r.currency ?? undefined, props.locale)}
                            <Show when={formatMoneyWithReporting(r.amount_diff, r.currency, r.amount_diff_reporting, currency(), props.locale).reporting}>
                              {(v) => <div class="cell-sub" data-testid="record-gap-reporting">{v()}</div>}
                            </Show>
                          </td>
                        </tr>
                        <Show when={open() === r.key}>
                          <tr class="expand-row">
                            <td colspan="8">
                              <SideBySide details={{ [sideName('a')]: r.a, [sideName('b')]: r.b }} order={[sideName('a'), sideName('b')]} />
                            </td>
                          </tr>
                        </Show>
                      </>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={cursor()}>
              <button class="btn btn-small load-more" onClick={more}>
                Load more
              </button>
            </Show>
          </Show>
        </Show>
      </Show>
    </section>
  )
}

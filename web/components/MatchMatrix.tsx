// The system-pair match matrix: one row per comparison (PSA ↔ ERP time entries, CRM ↔ ERP won
// deals...), how many records match, differ, or exist on one side only; each count drills into
// the records. Shows an empty state when the server has no reconciliation (404 → null). Amounts
// are in the reporting currency the answer names, with a note where records had no rate.
import { For, Show } from 'solid-js'
import { totals, type MatchRow, type MatchStatus, type ReconciliationAnswer } from '../lib/endpoints.ts'
import { formatFxNote, formatMoney, formatNumber, formatPercent } from '../lib/format.ts'
import { EmptyState, Skeleton } from './feedback.tsx'

export interface MatrixPick {
  pair: string
  entity: string
  status: MatchStatus
}

function rateClass(r: number): string {
  return r >= 0.99 ? 'rate-high' : r >= 0.95 ? 'rate-fair' : 'rate-low'
}

export default function MatchMatrix(props: {
  answer: ReconciliationAnswer | null | undefined
  loading: boolean
  selected?: MatrixPick | null
  locale: string
  /** Unused: the amounts are in the currency the answer names. */
  currency?: string
  onPick: (p: MatrixPick) => void
}) {
  const cell = (row: MatchRow, status: MatchStatus, n: number, tone: string) => (
    <td class="num">
      <button
        class={`count-btn ${n ? tone : 'zero'}`}
        classList={{ picked: props.selected?.pair === row.pair && props.selected?.entity === row.entity && props.selected?.status === status }}
        disabled={!n}
        onClick={() => props.onPick({ pair: row.pair, entity: row.entity, status })}
        data-testid={`cell-${row.pair}-${row.entity}-${status}`}
        title={n ? `Show these ${formatNumber(n, props.locale)} records` : undefined}
      >
        {formatNumber(n, props.locale)}
      </button>
    </td>
  )
  return (
    <Show when={!props.loading} fallback={<Skeleton lines={6} height={20} />}>
      <Show
        when={props.answer}
        fallback={
          <EmptyState title="Reconciliation is not available on this server" testid="matrix-empty">
            The match matrix appears once the server answers GET /api/v1/reconciliation. Finance exceptions and exports below still work.
          </EmptyState>
        }
      >
        {(a) => (
          <div class="table-wrap">
            <table class="table matrix" data-testid="match-matrix">
              <thead>
                <tr>
                  <th>Comparison</th>
                  <th class="num">Records</th>
                  <th>Match rate</th>
                  <th class="num">Matched</th>
                  <th class="num">Differ</th>
                  <th class="num">Only in A</th>
                  <th class="num">Only in B</th>
                  <th class="num">Amount gap ({a().currency})</th>
                </tr>
              </thead>
              <tbody>
                <For each={totals(a())}>
                  {(row) => (
                    <tr data-testid="matrix-row" data-pair={row.pair} data-entity={row.entity}>
                      <td>
                        <div class="cell-main">{row.title}</div>
                        <div class="cell-sub">
                          <span class="side-a">{row.a}</span> ↔ <span class="side-b">{row.b}</span> · {row.amount}
                        </div>
                      </td>
                      <td class="num">{formatNumber(row.records, props.locale)}</td>
                      <td>
                        <div class={`rate ${rateClass(row.match_rate)}`} title={formatPercent(row.match_rate, props.locale, 2)}>
                          <div class="rate-bar">
                            <span style={{ width: `${Math.round(row.match_rate * 100)}%` }} />
                          </div>
                          <span class="rate-text">{formatPercent(row.match_rate, props.locale, 1)}</span>
                        </div>
                      </td>
                      {cell(row, 'matched', row.matched, 'ok')}
                      {cell(row, 'differing', row.differing, 'bad')}
                      {cell(row, 'only_a', row.only_a, 'warn')}
                      {cell(row, 'only_b', row.only_b, 'warn')}
                      <td class="num">
                        {row.amount_diff ? formatMoney(row.amount_diff, a().currency, props.locale, true) : '—'}
                        <Show when={formatFxNote(row.fx_coverage, props.locale)}>{(n) => <div class="cell-sub fx-note" data-testid="fx-note">{n()}</div>}</Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </Show>
  )
}

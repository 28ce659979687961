// Month-close readiness: the share of the month's time entries and invoices that reconcile,
// what blocks the close, unbilled WIP at month end, and the open finance exceptions by rule;
// money in the reporting currency the answer names.
import { A } from '@solidjs/router'
import { KPIS } from '../../../server/kpis/catalog.ts'
import { For, Show } from 'solid-js'
import { EmptyState } from '../../components/feedback.tsx'
import type { CloseAnswer } from '../../lib/endpoints.ts'
import { formatFxNote, formatMoney, formatNumber, formatPercent } from '../../lib/format.ts'
import { ruleTitle } from '../../lib/rules.ts'

export default function CloseReadiness(props: { close: CloseAnswer | null; locale: string; currency: string }) {
  return (
    <Show when={props.close} fallback={<EmptyState title="Close readiness is not available on this server">It appears once the server answers GET /api/v1/close.</EmptyState>}>
      {(c) => (
        <div class="close" data-testid="close">
          <div class="close-score">
            <div class="gauge" style={{ '--p': `${Math.round(c().readiness * 100)}` }} role="img" aria-label={`Readiness ${formatPercent(c().readiness, props.locale, 0)}`}>
              <span data-testid="readiness">{formatPercent(c().readiness, props.locale, 1)}</span>
            </div>
            <div>
              <div class={`ready-badge ${c().ready ? 'yes' : 'no'}`} data-testid="ready">
                {c().ready ? 'Ready to close' : 'Not ready to close'}
              </div>
              <p class="muted small">
                {formatNumber(c().time.matched + c().invoices.matched, props.locale)} of {formatNumber(c().time.records + c().invoices.records, props.locale)} time entries and invoices reconcile
              </p>
              <p class="muted small">
                {KPIS.unbilled_wip.title} at month end: <strong>{formatMoney(c().unbilled_wip.value, c().currency, props.locale, true)}</strong>
              </p>
              <Show when={formatFxNote(c().unbilled_wip.fx_coverage, props.locale)}>{(n) => <p class="muted small fx-note">{n()}</p>}</Show>
            </div>
          </div>
          <ul class="checklist" data-testid="blockers">
            <For each={c().blockers}>
              {(b) => (
                <li classList={{ blocking: b.blocking, clear: !b.blocking && b.count === 0 }}>
                  <span class="check-icon" aria-hidden="true">
                    {b.blocking ? '!' : '✓'}
                  </span>
                  <span class="check-label">{b.label}</span>
                  <span class="check-count num">{formatNumber(b.count, props.locale)}</span>
                </li>
              )}
            </For>
          </ul>
          <div class="close-rules">
            <h3 class="section-title">Open finance exceptions</h3>
            <Show when={c().finance_exceptions.length} fallback={<p class="muted small">None open: nothing from the finance rules blocks this month.</p>}>
              <table class="table">
                <tbody>
                  <For each={c().finance_exceptions}>
                    {(r) => (
                      <tr>
                        <td>
                          <A href={`/exceptions?rule=${r.rule}`} data-testid="finance-rule-link">
                            {ruleTitle(r.rule)}
                          </A>
                        </td>
                        <td class="num">{formatNumber(r.count, props.locale)}</td>
                        <td class="num">{formatMoney(r.amount_at_risk, c().currency, props.locale, true)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </div>
        </div>
      )}
    </Show>
  )
}

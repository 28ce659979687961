// Admin: how long each severity may stay open before it is overdue (an exception's due date is
// its first detection plus its severity's SLA).
import { For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { SeverityPill } from '../../components/pills.tsx'
import type { Severity } from '../../lib/endpoints.ts'
import { hoursLabel, SEVERITIES, type Draft, type SlaDefaults } from './draft.ts'

export default function SlaEditor(props: { draft: Draft; setDraft: SetStoreFunction<Draft>; defaults: SlaDefaults; invalid: string | null }) {
  /** The hours a value stands for, null while it is not a usable number (the server would refuse it). */
  const hours = (s: Severity) => {
    const v = Number(props.draft.sla[s])
    return Number.isFinite(v) && v > 0 ? v : null
  }
  return (
    <section class="card" data-testid="sla">
      <header class="card-head">
        <div>
          <h2>Service levels</h2>
          <p class="muted small">Hours from first detection until an exception is overdue, per severity. Empty uses the default.</p>
        </div>
      </header>
      <div class="sla-grid">
        <For each={SEVERITIES}>
          {(s) => (
            <label class="field">
              <SeverityPill severity={s} />
              <span class="sla-input">
                <input
                  type="number"
                  min="0"
                  step="any"
                  inputmode="decimal"
                  placeholder={String(props.defaults[s])}
                  value={props.draft.sla[s]}
                  onInput={(e) => props.setDraft('sla', s, e.currentTarget.value)}
                  aria-label={`SLA hours for ${s} exceptions (default ${props.defaults[s]})`}
                  data-testid={`sla-${s}`}
                  data-field={`sla_hours.${s}`}
                  classList={{ invalid: props.invalid === `sla_hours.${s}` }}
                />
                <span class="muted">hours</span>
              </span>
              <Show
                when={props.draft.sla[s].trim() !== ''}
                fallback={<span class="muted small">Default: {hoursLabel(props.defaults[s])}</span>}
              >
                <Show when={hours(s)} fallback={<span class="small form-error">Must be a number of hours above 0</span>}>
                  {(h) => <span class="muted small">{hoursLabel(h())} · default {props.defaults[s]} h</span>}
                </Show>
              </Show>
            </label>
          )}
        </For>
      </div>
    </section>
  )
}

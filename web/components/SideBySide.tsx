// The values of each system side by side, differing fields highlighted and listed first.
import { For, Show } from 'solid-js'
import { formatField, humanize } from '../lib/format.ts'
import { sideBySide } from '../lib/side-by-side.ts'

const KIND_LABEL: Record<string, string> = { crm: 'CRM', psa: 'PSA', erp: 'ERP', hr: 'HR' }

export default function SideBySide(props: { details: Record<string, Record<string, unknown>> | null | undefined; systemNames?: Record<string, string>; order?: string[] }) {
  const t = () => sideBySide(props.details, props.order)
  const hasDiff = () => t().rows.some((r) => r.diff !== undefined)
  return (
    <Show when={t().rows.length} fallback={<p class="muted small">No field values were recorded for this exception.</p>}>
      <div class="sbs-wrap">
        <table class="sbs" data-testid="side-by-side">
          <thead>
            <tr>
              <th>Field</th>
              <For each={t().systems}>
                {(s) => (
                  <th>
                    {KIND_LABEL[s] ?? (/[A-Z]/.test(s) ? s : humanize(s))}
                    <Show when={props.systemNames?.[s]}>
                      <span class="muted small"> {props.systemNames![s]}</span>
                    </Show>
                    <Show when={t().missing.includes(s)}>
                      <span class="not-found" data-testid="not-found">not found</span>
                    </Show>
                  </th>
                )}
              </For>
              <Show when={hasDiff()}>
                <th>Difference</th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={t().rows}>
              {(r) => (
                <tr classList={{ differs: r.differs }} data-testid={r.differs ? 'diff-row' : 'same-row'}>
                  <th scope="row">{humanize(r.field)}</th>
                  <For each={t().systems}>{(s) => <td classList={{ missing: r.values[s] == null }}>{formatField(r.values[s])}</td>}</For>
                  <Show when={hasDiff()}>
                    <td class="sbs-diff">{r.diff === undefined ? '' : formatField(r.diff)}</td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  )
}

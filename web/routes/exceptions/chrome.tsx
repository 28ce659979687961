// The list's bars: the bulk actions over a selection, and the keyboard legend.
import { For, Show } from 'solid-js'
import type { DialogRequest } from './triage.tsx'

export function BulkBar(props: { ids: string[]; someSkipped: boolean; onAcknowledge: () => void; onDialog: (d: DialogRequest) => void; onClear: () => void }) {
  return (
    <div class="bulkbar" data-testid="bulk-bar">
      <strong>{props.ids.length} selected</strong>
      <button class="btn btn-small" onClick={() => props.onAcknowledge()} data-testid="bulk-acknowledge">
        Acknowledge
      </button>
      <button class="btn btn-small" onClick={() => props.onDialog({ action: 'resolve', ids: props.ids })} data-testid="bulk-resolve">
        Resolve…
      </button>
      <button class="btn btn-small" onClick={() => props.onDialog({ action: 'assign', ids: props.ids })} data-testid="bulk-assign">
        Assign…
      </button>
      <button class="btn btn-small" onClick={() => props.onDialog({ action: 'snooze', ids: props.ids })} data-testid="bulk-snooze">
        Snooze…
      </button>
      <button class="btn btn-ghost btn-small" onClick={() => props.onClear()}>
        Clear selection
      </button>
      <Show when={props.someSkipped}>
        <span class="muted small">Some selected exceptions belong to rules your role does not triage; they will be skipped.</span>
      </Show>
    </div>
  )
}

const KEYS: Array<[string[], string]> = [
  [['j', 'k'], 'move'],
  [['Enter'], 'open'],
  [['x'], 'select'],
  [['a'], 'acknowledge'],
  [['r'], 'resolve'],
  [['/'], 'search'],
  [['Esc'], 'close'],
]

export function KeyLegend() {
  return (
    <footer class="keys muted small" aria-label="Keyboard shortcuts">
      <For each={KEYS}>
        {([keys, what]) => (
          <span>
            <For each={keys}>{(k, i) => <>{i() ? '/' : ''}<kbd>{k}</kbd></>}</For> {what}
          </span>
        )}
      </For>
    </footer>
  )
}

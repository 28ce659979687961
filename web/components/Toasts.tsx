import { For } from 'solid-js'
import { dismiss, toasts } from '../lib/toast.ts'

export default function Toasts() {
  return (
    <div class="toasts" aria-live="polite">
      <For each={toasts()}>
        {(t) => (
          <div class={`toast toast-${t.kind}`} data-testid="toast" onClick={() => dismiss(t.id)}>
            {t.text}
          </div>
        )}
      </For>
    </div>
  )
}

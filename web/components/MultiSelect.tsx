// A filter button with a checkbox list: "Rule · 2". Closes on Escape or a click outside.
import { createSignal, For, onCleanup, Show } from 'solid-js'

export interface Option {
  value: string
  label: string
  hint?: string
}

export default function MultiSelect(props: { label: string; options: Option[]; selected: string[]; onChange: (v: string[]) => void; testid?: string; single?: boolean }) {
  const [open, setOpen] = createSignal(false)
  const [filter, setFilter] = createSignal('')
  let root!: HTMLDivElement
  const outside = (e: MouseEvent) => {
    if (!root.contains(e.target as Node)) setOpen(false)
  }
  document.addEventListener('mousedown', outside)
  onCleanup(() => document.removeEventListener('mousedown', outside))

  const toggle = (v: string) => {
    if (props.single) {
      props.onChange(props.selected.includes(v) ? [] : [v])
      setOpen(false)
      return
    }
    props.onChange(props.selected.includes(v) ? props.selected.filter((x) => x !== v) : [...props.selected, v])
  }
  const shown = () => props.options.filter((o) => !filter() || o.label.toLowerCase().includes(filter().toLowerCase()) || o.value.includes(filter()))
  const summary = () => {
    if (!props.selected.length) return ''
    if (props.selected.length === 1) return props.options.find((o) => o.value === props.selected[0])?.label ?? props.selected[0]
    return String(props.selected.length)
  }

  return (
    <div class="ms" ref={root} onKeyDown={(e) => e.key === 'Escape' && (setOpen(false), e.stopPropagation())}>
      <button type="button" class="ms-btn" classList={{ active: props.selected.length > 0 }} aria-expanded={open()} onClick={() => setOpen(!open())} data-testid={props.testid}>
        <span>{props.label}</span>
        <Show when={summary()}>
          <span class="ms-val">{summary()}</span>
        </Show>
        <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true">
          <path d="M2.5 4.5 6 8l3.5-3.5" fill="none" stroke="currentColor" stroke-width="1.6" />
        </svg>
      </button>
      <Show when={open()}>
        <div class="ms-pop" role="listbox" aria-multiselectable={!props.single}>
          <Show when={props.options.length > 8}>
            <input class="ms-filter" placeholder="Filter…" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} autofocus />
          </Show>
          <For each={shown()} fallback={<div class="ms-empty muted small">No options</div>}>
            {(o) => (
              <label class="ms-opt" data-testid={`${props.testid ?? 'ms'}-option-${o.value}`}>
                <input type={props.single ? 'radio' : 'checkbox'} checked={props.selected.includes(o.value)} onChange={() => toggle(o.value)} />
                <span class="ms-label">{o.label}</span>
                <Show when={o.hint}>
                  <span class="muted small">{o.hint}</span>
                </Show>
              </label>
            )}
          </For>
          <Show when={props.selected.length && !props.single}>
            <button type="button" class="link-btn small ms-clear" onClick={() => props.onChange([])}>
              Clear
            </button>
          </Show>
        </div>
      </Show>
    </div>
  )
}

// Choosing an owner: the owners the server knows (config file), the rules' default owners, the
// owners saved settings already use, and "Other…" to type one the config does not list yet (the
// server takes any owner id; an owner without a webhook simply gets no notifications).
import { createSignal, For, Show } from 'solid-js'

export interface OwnerOption {
  id: string
  label: string
  group: (typeof GROUPS)[number]
}

export const GROUPS = ['Configured owners', 'Rule owners', 'In use'] as const

// Not a plausible owner id (ids are slugs such as finance-ops).
const OTHER = '__other__'

export default function OwnerSelect(props: {
  value: string
  onChange: (v: string) => void
  options: OwnerOption[]
  /** Shown first, in its own group (rules); routes have none. */
  defaultOwner?: string
  /** The empty choice, for a route that has no owner yet. */
  placeholder?: string
  label: string
  testid: string
  field?: string
  invalid?: boolean
}) {
  const [typing, setTyping] = createSignal(false)
  const [text, setText] = createSignal('')
  let before = ''
  // A value from the saved settings that neither list names stays choosable as itself.
  const known = () => props.value === '' || props.value === props.defaultOwner || props.options.some((o) => o.id === props.value)
  const groups = () => GROUPS.map((g) => ({ g, items: props.options.filter((o) => o.group === g && o.id !== props.defaultOwner) })).filter((x) => x.items.length)
  const startTyping = () => {
    before = props.value
    setText('')
    setTyping(true)
  }
  const finish = (keep: boolean) => {
    if (!keep || text().trim() === '') props.onChange(before)
    setTyping(false)
  }
  return (
    <Show
      when={typing()}
      fallback={
        <select
          value={props.value}
          onChange={(e) => (e.currentTarget.value === OTHER ? startTyping() : props.onChange(e.currentTarget.value))}
          aria-label={props.label}
          data-testid={props.testid}
          data-field={props.field}
          classList={{ invalid: props.invalid }}
        >
          <Show when={props.placeholder !== undefined}>
            <option value="">{props.placeholder}</option>
          </Show>
          <Show when={props.defaultOwner}>
            <optgroup label="Rule default">
              <option value={props.defaultOwner}>{props.defaultOwner}</option>
            </optgroup>
          </Show>
          <For each={groups()}>
            {(x) => (
              <optgroup label={x.g}>
                <For each={x.items}>{(o) => <option value={o.id}>{o.label}</option>}</For>
              </optgroup>
            )}
          </For>
          <Show when={!known()}>
            <option value={props.value}>{props.value}</option>
          </Show>
          <option value={OTHER}>Other owner…</option>
        </select>
      }
    >
      <input
        ref={(el) => queueMicrotask(() => el.focus())}
        value={text()}
        placeholder="Owner id, e.g. finance-leads"
        onInput={(e) => (setText(e.currentTarget.value), props.onChange(e.currentTarget.value))}
        onBlur={() => finish(true)}
        onKeyDown={(e) => (e.key === 'Enter' ? (e.preventDefault(), finish(true)) : e.key === 'Escape' ? finish(false) : undefined)}
        aria-label={`${props.label} (new owner id)`}
        data-testid={`${props.testid}-other`}
        data-field={props.field}
        classList={{ invalid: props.invalid }}
      />
    </Show>
  )
}

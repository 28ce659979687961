// Loading skeletons, empty states that say what to do next, errors that say what went wrong.
import { For, Show, type JSX } from 'solid-js'

export function Skeleton(props: { lines?: number; height?: number; testid?: string }) {
  return (
    <div class="skeleton-block" data-testid={props.testid ?? 'skeleton'} aria-busy="true" aria-label="Loading">
      <For each={Array.from({ length: props.lines ?? 1 })}>
        {(_, i) => <div class="skeleton" style={{ height: `${props.height ?? 14}px`, width: `${100 - ((i() * 17) % 40)}%` }} />}
      </For>
    </div>
  )
}

export function EmptyState(props: { title: string; children?: JSX.Element; icon?: JSX.Element; testid?: string; action?: JSX.Element }) {
  return (
    <div class="empty" data-testid={props.testid ?? 'empty-state'}>
      <Show when={props.icon}>
        <div class="empty-icon">{props.icon}</div>
      </Show>
      <div class="empty-title">{props.title}</div>
      <Show when={props.children}>
        <div class="empty-text">{props.children}</div>
      </Show>
      <Show when={props.action}>
        <div class="empty-action">{props.action}</div>
      </Show>
    </div>
  )
}

export function ErrorNote(props: { error: unknown; onRetry?: () => void; title?: string }) {
  const message = () => (props.error instanceof Error ? props.error.message : String(props.error))
  return (
    <div class="error-note" role="alert" data-testid="error">
      <div>
        <strong>{props.title ?? 'Could not load this.'}</strong> <span>{message()}</span>
      </div>
      <Show when={props.onRetry}>
        <button class="btn btn-small" onClick={() => props.onRetry?.()}>
          Try again
        </button>
      </Show>
    </div>
  )
}

// A titled card around a chart with its loading, error and empty states.
import { Match, Show, Switch, type JSX } from 'solid-js'
import { EmptyState, ErrorNote, Skeleton } from './feedback.tsx'

export default function ChartCard(props: {
  title: string
  subtitle?: JSX.Element
  loading: boolean
  error?: unknown
  empty?: string | false
  emptyHint?: JSX.Element
  actions?: JSX.Element
  testid?: string
  wide?: boolean
  onRetry?: () => void
  children: JSX.Element
}) {
  return (
    <section class="card chart-card" classList={{ wide: props.wide }} data-testid={props.testid}>
      <header class="card-head">
        <div>
          <h2>{props.title}</h2>
          <Show when={props.subtitle}>
            <p class="muted small">{props.subtitle}</p>
          </Show>
        </div>
        <Show when={props.actions}>
          <div class="card-actions">{props.actions}</div>
        </Show>
      </header>
      <Switch>
        <Match when={props.error}>
          <ErrorNote error={props.error} onRetry={props.onRetry} />
        </Match>
        <Match when={props.loading}>
          <Skeleton lines={4} height={18} />
        </Match>
        <Match when={props.empty}>
          <EmptyState title={props.empty as string}>{props.emptyHint}</EmptyState>
        </Match>
        <Match when={true}>{props.children}</Match>
      </Switch>
    </section>
  )
}

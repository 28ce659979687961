// A titled card over a table of items from the API, with its loading and error states: the
// admin lists (users, tokens) share it.
import { For, Show, type JSX, type Resource } from 'solid-js'
import { ErrorNote, Skeleton } from './feedback.tsx'

export function CardHead(props: { title: string; note: JSX.Element; children?: JSX.Element }) {
  return (
    <header class="card-head">
      <div>
        <h2>{props.title}</h2>
        <p class="muted small">{props.note}</p>
      </div>
      {props.children}
    </header>
  )
}

export function ItemsTable<T>(props: { items: Resource<{ items: T[] }>; onRetry: () => void; headers: string[]; empty?: JSX.Element; children: (item: T) => JSX.Element }) {
  return (
    <Show when={!props.items.error} fallback={<ErrorNote error={props.items.error} onRetry={props.onRetry} />}>
      <Show when={props.items()} fallback={<Skeleton lines={3} />}>
        {(a) => (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <For each={props.headers}>{(h) => <th>{h}</th>}</For>
                </tr>
              </thead>
              <tbody>
                <For each={a().items} fallback={props.empty}>
                  {props.children}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </Show>
  )
}

// An exception's history: append-only events, newest first, with who, when and the note.
import { For, Show } from 'solid-js'
import type { HistoryEvent } from '../lib/endpoints.ts'
import { formatDateTime, formatRelative, humanize } from '../lib/format.ts'
import { snoozeLabel } from '../lib/snooze.ts'

const VERB: Record<string, string> = {
  opened: 'opened it',
  detected: 'detected it again',
  acknowledge: 'acknowledged it',
  acknowledged: 'acknowledged it',
  assign: 'assigned it',
  assigned: 'assigned it',
  comment: 'commented',
  commented: 'commented',
  resolve: 'resolved it',
  resolved: 'resolved it',
  auto_resolved: 'resolved it automatically',
  reopen: 'reopened it',
  reopened: 'reopened it',
  snoozed: 'snoozed it',
  unsnoozed: 'unsnoozed it',
}

export default function HistoryTimeline(props: { events: HistoryEvent[]; locale: string; now: number }) {
  const events = () => [...props.events].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
  return (
    <ol class="timeline" data-testid="history">
      <For each={events()}>
        {(e) => (
          <li class={`tl-item tl-${e.type}`} data-testid="history-event" data-type={e.type}>
            <span class="tl-dot" />
            <div class="tl-body">
              <div>
                <strong>{e.actor}</strong> {VERB[e.type] ?? humanize(e.type).toLowerCase()}
                <Show when={e.owner}>
                  {' '}
                  to <strong>{e.owner}</strong>
                </Show>
                <Show when={e.snoozed_until}>
                  {(until) => (
                    <>
                      {' '}
                      until <strong data-testid="history-snoozed-until">{snoozeLabel(until(), props.locale)}</strong>
                    </>
                  )}
                </Show>
                <time class="muted small" title={formatDateTime(e.at, props.locale)} datetime={e.at}>
                  {' · '}
                  {formatRelative(e.at, props.now, props.locale)}
                </time>
              </div>
              <Show when={e.note}>
                <p class="tl-note">{e.note}</p>
              </Show>
            </div>
          </li>
        )}
      </For>
    </ol>
  )
}

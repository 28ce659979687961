// A transaction's spans as a waterfall: one bar per span on a shared time axis, nested by
// parent, failed steps in red; a click shows the span's attributes.
import { createSignal, For, Show } from 'solid-js'
import type { Span } from '../lib/endpoints.ts'
import { formatDuration, formatField } from '../lib/format.ts'
import { timeTicks, waterfallRows } from '../lib/waterfall.ts'

const SERVICE_HUES = [232, 168, 32, 280, 200, 350, 90]
const hue = (service: string, services: string[]) => SERVICE_HUES[services.indexOf(service) % SERVICE_HUES.length]

export default function SpanWaterfall(props: { spans: Span[] }) {
  const layout = () => waterfallRows(props.spans)
  const services = () => [...new Set(props.spans.map((s) => s.service))].sort()
  const [open, setOpen] = createSignal<string | null>(null)
  return (
    <div class="waterfall" data-testid="waterfall">
      <div class="wf-axis">
        <div class="wf-label" />
        <div class="wf-track">
          <For each={timeTicks(layout().totalMs)}>
            {(t) => (
              <span class="wf-tick" style={{ left: `${(t / layout().totalMs) * 100}%` }}>
                {formatDuration(t)}
              </span>
            )}
          </For>
        </div>
      </div>
      <For each={layout().rows}>
        {(r) => (
          <>
            <button
              class="wf-row"
              classList={{ failed: r.failed, open: open() === r.span.span_id }}
              data-testid="span"
              onClick={() => setOpen(open() === r.span.span_id ? null : r.span.span_id)}
              aria-expanded={open() === r.span.span_id}
            >
              <div class="wf-label" style={{ 'padding-left': `${r.depth * 14}px` }}>
                <span class="wf-service" style={{ '--h': hue(r.span.service, services()) }}>
                  {r.span.service}
                </span>
                <span class="wf-name">{r.span.name}</span>
              </div>
              <div class="wf-track">
                <div class="wf-bar" style={{ left: `${r.left}%`, width: `${r.width}%`, '--h': hue(r.span.service, services()) }} />
                <Show
                  when={r.left + r.width > 80}
                  fallback={
                    <span class="wf-dur" style={{ left: `${r.left + r.width}%` }}>
                      {formatDuration(r.span.duration_ms)}
                    </span>
                  }
                >
                  <span class="wf-dur inside" style={{ right: `${100 - r.left - r.width}%` }}>
                    {formatDuration(r.span.duration_ms)}
                  </span>
                </Show>
              </div>
            </button>
            <Show when={open() === r.span.span_id}>
              <div class="wf-attrs" data-testid="span-attributes">
                <Show when={r.span.status_message}>
                  <div class="wf-error">{r.span.status_message}</div>
                </Show>
                <dl>
                  <dt>Status</dt>
                  <dd>{r.span.status}</dd>
                  <dt>Starts at</dt>
                  <dd>+{formatDuration(r.span.offset_ms)}</dd>
                  <For each={Object.entries(r.span.attributes ?? {})}>
                    {([k, v]) => (
                      <>
                        <dt>{k}</dt>
                        <dd>{formatField(v)}</dd>
                      </>
                    )}
                  </For>
                </dl>
              </div>
            </Show>
          </>
        )}
      </For>
    </div>
  )
}

// Admin: running detection on demand, webhook deliveries and the audit log. (Rules, routing and
// service levels are edited in editor.tsx.)
import { createResource, createSignal, For, Show } from 'solid-js'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import { errorMessage } from '../../lib/api.ts'
import { admin, detect, notifications } from '../../lib/endpoints.ts'
import { formatRelative, humanize } from '../../lib/format.ts'
import { locale } from '../../lib/prefs.ts'
import { toast } from '../../lib/toast.ts'

export function Operations() {
  const [busy, setBusy] = createSignal(false)
  const [result, setResult] = createSignal<string | null>(null)
  const [deliveries, { refetch }] = createResource(() => notifications())
  const [audit] = createResource(() => admin.audit())
  const run = async () => {
    setBusy(true)
    try {
      const r = await detect()
      const parts = Object.entries(r).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${humanize(k).toLowerCase()} ${v}`)
      setResult(parts.join(' · '))
      toast('Detection finished')
      void refetch()
    } catch (e) {
      toast(errorMessage(e), 'error', 7000)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="grid-2">
      <section class="card">
        <header class="card-head">
          <div>
            <h2>Detection</h2>
            <p class="muted small">Runs every rule now, as of this moment. It also runs on a schedule.</p>
          </div>
          <button class="btn btn-primary" onClick={run} disabled={busy()} data-testid="run-detection">
            {busy() ? 'Running…' : 'Run detection now'}
          </button>
        </header>
        <Show when={result()}>
          <p class="small" data-testid="detect-result">{result()}</p>
        </Show>
        <h3 class="section-title">Webhook deliveries</h3>
        <Show when={!deliveries.error} fallback={<ErrorNote error={deliveries.error} onRetry={refetch} />}>
          <Show when={deliveries()} fallback={<Skeleton lines={3} />}>
            <table class="table compact">
              <tbody>
                <For each={deliveries()!.items.slice(0, 10)} fallback={<tr><td class="muted">No deliveries: no owner has a notification channel, or nothing was routed yet.</td></tr>}>
                  {(n) => (
                    <tr>
                      <td>{n.owner}</td>
                      <td class="small">{humanize(n.event)} → {n.channel}: {n.host}</td>
                      <td><span class={`pill ${n.status === 'delivered' ? 'status-resolved' : n.status === 'failed' ? 'sev-critical' : 'status-acknowledged'}`}>{n.status}</span></td>
                      <td class="small muted nowrap">{formatRelative(n.created_at, Date.now(), locale())}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </Show>
      </section>
      <section class="card">
        <header class="card-head">
          <div>
            <h2>Audit log</h2>
            <p class="muted small">Sign-ins, exports, user, token and settings changes.</p>
          </div>
        </header>
        <Show when={!audit.error} fallback={<ErrorNote error={audit.error} />}>
          <Show when={audit()} fallback={<Skeleton lines={4} />}>
            <table class="table compact" data-testid="audit">
              <tbody>
                <For each={audit()!.items} fallback={<tr><td class="muted">Nothing yet.</td></tr>}>
                  {(a) => (
                    <tr>
                      <td class="small nowrap muted">{formatRelative(a.at, Date.now(), locale())}</td>
                      <td class="small">{a.actor}</td>
                      <td class="small">{humanize(a.action)}</td>
                      <td class="small mono">{a.target}</td>
                      <td><span class={`pill ${a.outcome === 'ok' ? 'status-resolved' : 'sev-critical'}`}>{a.outcome}</span></td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </Show>
      </section>
    </div>
  )
}

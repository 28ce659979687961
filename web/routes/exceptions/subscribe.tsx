// "Subscribe…" on a saved view: the view's matches by e-mail or Slack, daily or weekly, at a
// local time in this browser's time zone. The server checks the view as the list does.
import { createSignal, Show } from 'solid-js'
import Modal from '../../components/Modal.tsx'
import { subscriptions } from '../../lib/endpoints.ts'
import { attempt } from '../../lib/toast.ts'
import type { SavedView } from '../../lib/prefs.ts'

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

export default function Subscribe(props: { view: SavedView; onClose: () => void }) {
  const [channel, setChannel] = createSignal<'email' | 'slack'>('email')
  const [frequency, setFrequency] = createSignal<'daily' | 'weekly'>('daily')
  const [time, setTime] = createSignal('08:00')
  const [hook, setHook] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    const body = {
      name: props.view.name,
      query: props.view.search.replace(/^\?/, ''),
      channel: channel(),
      frequency: frequency(),
      local_time: time(),
      time_zone: browserZone(),
      ...(channel() === 'slack' ? { slack_webhook: hook().trim() } : {}),
    }
    const ok = await attempt(() => subscriptions.create(body), `Subscribed to ${props.view.name}`)
    setBusy(false)
    if (ok) props.onClose()
  }
  return (
    <Modal title={`Subscribe to ${props.view.name}`} onClose={props.onClose} testid="subscribe-modal">
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>Send by</span>
          <select value={channel()} onChange={(e) => setChannel(e.currentTarget.value as 'email' | 'slack')} data-testid="subscribe-channel">
            <option value="email">E-mail (to you)</option>
            <option value="slack">Slack</option>
          </select>
        </label>
        <Show when={channel() === 'slack'}>
          <label class="field">
            <span>Slack incoming webhook</span>
            <input type="url" value={hook()} onInput={(e) => setHook(e.currentTarget.value)} placeholder="https://hooks.slack.com/services/…" required data-testid="subscribe-slack" />
          </label>
        </Show>
        <label class="field">
          <span>How often</span>
          <select value={frequency()} onChange={(e) => setFrequency(e.currentTarget.value as 'daily' | 'weekly')} data-testid="subscribe-frequency">
            <option value="daily">Daily</option>
            <option value="weekly">Weekly (Mondays)</option>
          </select>
        </label>
        <label class="field">
          <span>At ({browserZone()})</span>
          <input type="time" value={time()} onInput={(e) => setTime(e.currentTarget.value)} required />
        </label>
        <p class="muted small">The exceptions this view matches when it is sent: {props.view.search || 'the default view'}</p>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy()} data-testid="subscribe-save">
            Subscribe
          </button>
        </div>
      </form>
    </Modal>
  )
}

// Admin: one owner's notification channels (e-mail; for teams also Slack, Teams and the signed
// webhook) and a "Send test" per channel saved, with the delivery's outcome.
import { createSignal, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { errorMessage } from '../../lib/api.ts'
import { notificationTest, type NotifyChannel } from '../../lib/endpoints.ts'
import { draftChannels, type ChannelsDraft, type DigestDraft, type OwnerField } from './channels-draft.ts'

const FIELDS: Array<[OwnerField, string, string, boolean]> = [
  ['id', 'Owner id', 'finance-ops', false],
  ['name', 'Name', 'Finance operations', false],
  ['email', 'E-mail', 'finance-ops@example.com', false],
  ['slack_webhook', 'Slack incoming webhook', 'https://hooks.slack.com/services/…', true],
  ['teams_webhook', 'Teams Workflows webhook', 'https://…logic.azure.com/…', true],
  ['webhook', 'JSON webhook', 'https://example.com/crosswalk', true],
  ['webhook_secret', 'Webhook secret', '${CROSSWALK_HOOK_SECRET}', true],
]
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
const TITLES: Record<NotifyChannel, string> = { email: 'E-mail', slack: 'Slack', teams: 'Teams', webhook: 'Webhook' }

type Outcome = { ok: boolean; text: string } | 'sending'

export default function OwnerChannels(props: { draft: ChannelsDraft; setDraft: SetStoreFunction<ChannelsDraft>; index: number; dirty: boolean; invalid: string | null }) {
  const o = () => props.draft.owners[props.index]
  const [outcome, setOutcome] = createSignal<Partial<Record<NotifyChannel, Outcome>>>({})
  const test = async (channel: NotifyChannel) => {
    setOutcome((r) => ({ ...r, [channel]: 'sending' }))
    try {
      const r = await notificationTest(o().id.trim(), channel)
      setOutcome((x) => ({ ...x, [channel]: r.status === 'delivered' ? { ok: true, text: 'Delivered' } : { ok: false, text: `Failed: ${r.error ?? 'no reason given'}` } }))
    } catch (e) {
      setOutcome((x) => ({ ...x, [channel]: { ok: false, text: errorMessage(e) } }))
    }
  }
  const remove = () => props.setDraft('owners', (list) => list.filter((_, i) => i !== props.index))
  return (
    <fieldset class="card owner-channels" data-testid={`owner-channels-${props.index}`}>
      <legend>{o().name || o().id || 'New owner'}</legend>
      <div class="prefs">
        <label class="field">
          <span>Kind</span>
          <select value={o().type} onChange={(e) => props.setDraft('owners', props.index, 'type', e.currentTarget.value as 'team' | 'person')} data-testid="owner-type">
            <option value="team">Team</option>
            <option value="person">Person (e-mail only)</option>
          </select>
        </label>
        <For each={FIELDS.filter(([, , , teamOnly]) => !teamOnly || o().type === 'team')}>
          {([f, label, placeholder]) => (
            <label class="field">
              <span>{label}</span>
              <input
                value={o()[f]}
                placeholder={placeholder}
                onInput={(e) => props.setDraft('owners', props.index, f, e.currentTarget.value)}
                data-testid={`owner-${f}`}
                data-field={`owners[${props.index}].${f}`}
                classList={{ invalid: props.invalid === `owners[${props.index}].${f}` }}
              />
            </label>
          )}
        </For>
      </div>
      <div class="prefs" data-testid="owner-digest">
        <label class="field">
          <span>Digest</span>
          <select value={o().digest.frequency} onChange={(e) => props.setDraft('owners', props.index, 'digest', 'frequency', e.currentTarget.value as DigestDraft['frequency'])} data-testid="owner-digest-frequency">
            <option value="">None</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="off">Off (kept, not sent)</option>
          </select>
        </label>
        <Show when={o().digest.frequency === 'daily' || o().digest.frequency === 'weekly'}>
          <Show when={o().digest.frequency === 'weekly'}>
            <label class="field">
              <span>On</span>
              <select value={o().digest.weekday} onChange={(e) => props.setDraft('owners', props.index, 'digest', 'weekday', e.currentTarget.value)} data-testid="owner-digest-weekday">
                <For each={WEEKDAYS}>{(d) => <option value={d}>{d[0].toUpperCase() + d.slice(1)}</option>}</For>
              </select>
            </label>
          </Show>
          <label class="field">
            <span>At (local time)</span>
            <input type="time" value={o().digest.local_time} onInput={(e) => props.setDraft('owners', props.index, 'digest', 'local_time', e.currentTarget.value)} data-testid="owner-digest-time" data-field={`owners[${props.index}].digest.local_time`} classList={{ invalid: props.invalid === `owners[${props.index}].digest.local_time` }} />
          </label>
          <label class="field">
            <span>Time zone</span>
            <input value={o().digest.time_zone} placeholder="Europe/London" onInput={(e) => props.setDraft('owners', props.index, 'digest', 'time_zone', e.currentTarget.value)} data-testid="owner-digest-tz" data-field={`owners[${props.index}].digest.time_zone`} classList={{ invalid: props.invalid === `owners[${props.index}].digest.time_zone` }} />
          </label>
        </Show>
      </div>
      <div class="inline-form">
        <For each={draftChannels(o())}>
          {(ch) => (
            <span class="channel-test">
              <button type="button" class="btn btn-small" disabled={props.dirty || outcome()[ch] === 'sending'} title={props.dirty ? 'Save first: a test uses the saved settings' : undefined} onClick={() => test(ch)} data-testid={`send-test-${ch}`}>
                Send test ({TITLES[ch]})
              </button>
              {/* Keyed: "Sending…" turns into the outcome. */}
              <Show when={outcome()[ch]} keyed>
                {(v) => (v === 'sending' ? <span class="muted small">Sending…</span> : <span class={`small ${v.ok ? 'pill status-resolved' : 'form-error'}`} role="status" data-testid={`test-result-${ch}`}>{v.text}</span>)}
              </Show>
            </span>
          )}
        </For>
        <button type="button" class="btn btn-small btn-danger" onClick={remove} data-testid="owner-remove">Remove owner</button>
      </div>
    </fieldset>
  )
}

// Admin: who gets notified and how. Owners (teams and people) with their channels, the SMTP
// server and the dashboard's address, saved as part of the settings (PUT /api/v1/settings) and
// each channel tried with "Send test".
import { createResource, createSignal, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { CardHead } from '../../components/ListCard.tsx'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import { errorMessage } from '../../lib/api.ts'
import { settings, type SettingsAnswer } from '../../lib/endpoints.ts'
import { toast } from '../../lib/toast.ts'
import { badField } from './draft.ts'
import { channelsBody, newOwner, toChannelsDraft, type ChannelsDraft } from './channels-draft.ts'
import OwnerChannels from './channels-owner.tsx'
import SmtpFields from './channels-smtp.tsx'

export default function Channels() {
  const [answer, { refetch }] = createResource(() => settings.get())
  return (
    <Show when={!answer.error} fallback={<section class="card"><ErrorNote title="Could not load the notification channels." error={answer.error} onRetry={refetch} /></section>}>
      <Show when={answer()} keyed fallback={<section class="card"><Skeleton lines={4} /></section>}>
        {(a) => <ChannelsEditor answer={a} />}
      </Show>
    </Show>
  )
}

function ChannelsEditor(props: { answer: SettingsAnswer }) {
  const [draft, setDraft] = createStore<ChannelsDraft>(toChannelsDraft(props.answer))
  const [saved, setSaved] = createSignal(JSON.stringify(channelsBody(draft)))
  const [version, setVersion] = createSignal(props.answer.version)
  const [error, setError] = createSignal<{ message: string; field: string | null } | null>(null)
  const [saving, setSaving] = createSignal(false)
  const dirty = () => JSON.stringify(channelsBody(draft)) !== saved()

  const save = async () => {
    const body = channelsBody(draft)
    setSaving(true)
    setError(null)
    try {
      // With the version loaded: a save over someone else's newer one is refused, not lost.
      const next = await settings.save(body, version())
      setVersion(next.version)
      setSaved(JSON.stringify(body))
      toast('Notification channels saved.')
    } catch (e) {
      setError({ message: errorMessage(e), field: badField(e) })
    } finally {
      setSaving(false)
    }
  }
  return (
    <section class="card" data-testid="channels">
      <CardHead title="Notification channels" note="Where each owner's alerts and digests go. Save, then use Send test to check a channel." />
      <SmtpFields draft={draft} setDraft={setDraft} invalid={error()?.field ?? null} />
      <For each={draft.owners}>{(_, i) => <OwnerChannels draft={draft} setDraft={setDraft} index={i()} dirty={dirty()} invalid={error()?.field ?? null} />}</For>
      <Show when={error()}>
        {(e) => (
          <div class="error-note" role="alert" data-testid="channels-error">
            <strong>Not saved.</strong> {e().message}
          </div>
        )}
      </Show>
      <div class="save-row">
        <button type="button" class="btn" onClick={() => setDraft('owners', (list) => [...list, newOwner()])} data-testid="channels-add-owner">
          Add owner
        </button>
        <Show when={dirty()}>
          <span class="pill status-acknowledged" data-testid="channels-dirty">Unsaved changes</span>
        </Show>
        <button type="button" class="btn btn-primary" disabled={!dirty() || saving()} onClick={save} data-testid="channels-save">
          {saving() ? 'Saving…' : 'Save channels'}
        </button>
      </div>
    </section>
  )
}

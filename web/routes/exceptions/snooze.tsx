// Snoozing: the dialog that asks until when (tomorrow, next Monday, in a week, or a date picked)
// with an optional note, for one exception or many (dates: web/lib/snooze.ts).
import { createSignal, For, Show } from 'solid-js'
import Modal from '../../components/Modal.tsx'
import { formatDate } from '../../lib/format.ts'
import { quickDates, utcDay } from '../../lib/snooze.ts'
import { perform } from './triage.tsx'

type Choice = 'tomorrow' | 'monday' | 'week' | 'pick'

const LABEL: Record<Choice, string> = { tomorrow: 'Tomorrow', monday: 'Next Monday', week: 'In a week', pick: 'Pick a date' }

export function SnoozeDialog(props: { ids: string[]; locale: string; onDone: (ok: boolean) => void }) {
  const now = new Date()
  const quick = quickDates(now)
  const [choice, setChoice] = createSignal<Choice>('tomorrow')
  const [picked, setPicked] = createSignal('')
  const [note, setNote] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const until = () => (choice() === 'pick' ? picked() : quick[choice() as Exclude<Choice, 'pick'>])
  const n = () => props.ids.length
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    if (!until()) return
    setBusy(true)
    const ok = await perform(props.ids, 'snooze', { until: until(), note: note().trim() || undefined })
    setBusy(false)
    if (ok) props.onDone(true)
  }
  return (
    <Modal title={`Snooze ${n()} exception${n() === 1 ? '' : 's'}`} onClose={() => props.onDone(false)} testid="snooze-dialog">
      <form class="form" onSubmit={submit}>
        <fieldset class="field">
          <legend>Until (it comes back sooner if its amount at risk grows)</legend>
          <For each={['tomorrow', 'monday', 'week', 'pick'] as Choice[]}>
            {(c) => (
              <label class="check">
                <input type="radio" name="snooze-until" checked={choice() === c} onChange={() => setChoice(c)} data-testid={`snooze-${c}`} />
                {LABEL[c]}
                <Show when={c !== 'pick'}>
                  <span class="muted small"> · {formatDate(quick[c as Exclude<Choice, 'pick'>], props.locale)}</span>
                </Show>
              </label>
            )}
          </For>
          <Show when={choice() === 'pick'}>
            <input type="date" min={quick.tomorrow} max={utcDay(now, 365)} value={picked()} onInput={(e) => setPicked(e.currentTarget.value)} data-testid="snooze-date" required />
          </Show>
        </fieldset>
        <label class="field">
          <span>Note (optional)</span>
          <textarea rows="3" value={note()} onInput={(e) => setNote(e.currentTarget.value)} data-testid="snooze-note" />
        </label>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onDone(false)}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={!until() || busy()} data-testid="snooze-submit">
            {busy() ? 'Saving…' : 'Snooze'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

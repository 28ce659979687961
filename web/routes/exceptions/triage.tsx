// Triage: the dialog that asks for a note or an owner, and the action itself, one exception or
// many. Resolve and comment need a note; assign needs an owner (CONTRACT §4). Each user action
// carries a fresh idempotency key, and a retry after a lost answer reuses it: written once.
import { createSignal, For, Show } from 'solid-js'
import Modal from '../../components/Modal.tsx'
import { ApiError, errorMessage } from '../../lib/api.ts'
import type { TriageAction } from '../../lib/endpoints.ts'
import { actOn, actOnMany } from '../../lib/endpoints.ts'
import { toast } from '../../lib/toast.ts'

const VERB: Record<TriageAction, string> = {
  acknowledge: 'Acknowledged', resolve: 'Resolved', assign: 'Assigned', comment: 'Commented on', reopen: 'Reopened', snooze: 'Snoozed', unsnooze: 'Unsnoozed',
}

/** A random key (randomUUID needs a secure context; a plain-http deployment has only getRandomValues). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Sends once more, with the same key, when the answer was lost on the way (no HTTP answer at all). */
async function withRetry<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send()
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) return send()
    throw e
  }
}

export async function perform(ids: string[], action: TriageAction, extra: { note?: string; owner?: string; until?: string } = {}): Promise<boolean> {
  const key = newKey()
  try {
    if (ids.length === 1) {
      await withRetry(() => actOn(ids[0], { action, ...extra }, key))
      toast(`${VERB[action]} 1 exception`)
    } else {
      const r = await withRetry(() => actOnMany(ids, { action, ...extra }, key))
      toast(`${VERB[action]} ${r.applied} exception${r.applied === 1 ? '' : 's'}${r.skipped ? ` · ${r.skipped} skipped (not in a state for this, or not yours to triage)` : ''}`, r.skipped ? 'info' : 'ok')
    }
    return true
  } catch (e) {
    toast(errorMessage(e), 'error', 7000)
    return false
  }
}

export interface DialogRequest {
  action: 'resolve' | 'assign' | 'comment' | 'snooze'
  ids: string[]
}

export function TriageDialog(props: { request: DialogRequest & { action: 'resolve' | 'assign' | 'comment' }; owners: string[]; onDone: (ok: boolean) => void }) {
  const [note, setNote] = createSignal('')
  const [owner, setOwner] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const n = () => props.request.ids.length
  const title = () =>
    ({ resolve: `Resolve ${n()} exception${n() === 1 ? '' : 's'}`, assign: `Assign ${n()} exception${n() === 1 ? '' : 's'}`, comment: 'Add a comment' })[props.request.action]
  const valid = () => (props.request.action === 'assign' ? owner().trim().length > 0 : note().trim().length > 0)
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    if (!valid()) return
    setBusy(true)
    const ok = await perform(props.request.ids, props.request.action, props.request.action === 'assign' ? { owner: owner().trim(), note: note().trim() || undefined } : { note: note().trim() })
    setBusy(false)
    if (ok) props.onDone(true)
  }
  return (
    <Modal title={title()} onClose={() => props.onDone(false)} testid="triage-dialog">
      <form class="form" onSubmit={submit}>
        <Show when={props.request.action === 'assign'}>
          <label class="field">
            <span>Owner (a team or an email)</span>
            <input list="owner-options" value={owner()} onInput={(e) => setOwner(e.currentTarget.value)} data-testid="owner-input" required />
            <datalist id="owner-options">
              <For each={props.owners}>{(o) => <option value={o} />}</For>
            </datalist>
          </label>
        </Show>
        <label class="field">
          <span>{props.request.action === 'resolve' ? 'How was it resolved?' : props.request.action === 'assign' ? 'Note (optional)' : 'Comment'}</span>
          <textarea rows="4" value={note()} onInput={(e) => setNote(e.currentTarget.value)} data-testid="note-input" required={props.request.action !== 'assign'} />
        </label>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onDone(false)}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={!valid() || busy()} data-testid="triage-submit">
            {busy() ? 'Saving…' : props.request.action === 'resolve' ? 'Resolve' : props.request.action === 'assign' ? 'Assign' : 'Comment'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

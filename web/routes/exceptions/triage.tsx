// Triage: the dialog that asks for a note or an owner, and the action itself, one exception or
// many. Resolve and comment need a note; assign needs an owner (CONTRACT §4).
import { createSignal, For, Show } from 'solid-js'
import Modal from '../../components/Modal.tsx'
import { errorMessage } from '../../lib/api.ts'
import type { TriageAction } from '../../lib/endpoints.ts'
import { actOn, actOnMany } from '../../lib/endpoints.ts'
import { toast } from '../../lib/toast.ts'

const VERB: Record<TriageAction, string> = { acknowledge: 'Acknowledged', resolve: 'Resolved', assign: 'Assigned', comment: 'Commented on', reopen: 'Reopened' }

export async function perform(ids: string[], action: TriageAction, extra: { note?: string; owner?: string } = {}): Promise<boolean> {
  try {
    if (ids.length === 1) {
      await actOn(ids[0], { action, ...extra })
      toast(`${VERB[action]} 1 exception`)
    } else {
      const r = await actOnMany(ids, { action, ...extra })
      toast(`${VERB[action]} ${r.applied} exception${r.applied === 1 ? '' : 's'}${r.skipped ? ` · ${r.skipped} skipped (not in a state for this, or not yours to triage)` : ''}`, r.skipped ? 'info' : 'ok')
    }
    return true
  } catch (e) {
    toast(errorMessage(e), 'error', 7000)
    return false
  }
}

export interface DialogRequest {
  action: 'resolve' | 'assign' | 'comment'
  ids: string[]
}

export function TriageDialog(props: { request: DialogRequest; owners: string[]; onDone: (ok: boolean) => void }) {
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

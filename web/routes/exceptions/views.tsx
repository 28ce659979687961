// Saved views per user: a name for a filter-and-sort URL, kept in this browser; each can be
// subscribed to (its matches by e-mail or Slack, stored on the server).
import { createSignal, For, onCleanup, Show } from 'solid-js'
import Icon from '../../components/icons.tsx'
import Modal from '../../components/Modal.tsx'
import { saveViews, savedViews, type SavedView } from '../../lib/prefs.ts'
import Subscribe from './subscribe.tsx'

export default function SavedViews(props: { user: string; search: string; onOpen: (search: string) => void }) {
  const [views, setViews] = createSignal<SavedView[]>(savedViews(props.user))
  const [open, setOpen] = createSignal(false)
  const [naming, setNaming] = createSignal(false)
  const [name, setName] = createSignal('')
  const [subscribing, setSubscribing] = createSignal<SavedView | null>(null)
  let root!: HTMLDivElement
  const outside = (e: MouseEvent) => !root.contains(e.target as Node) && setOpen(false)
  document.addEventListener('mousedown', outside)
  onCleanup(() => document.removeEventListener('mousedown', outside))

  const store = (v: SavedView[]) => {
    setViews(v)
    saveViews(props.user, v)
  }
  const save = (e: SubmitEvent) => {
    e.preventDefault()
    const n = name().trim()
    if (!n) return
    store([...views().filter((v) => v.name !== n), { name: n, search: props.search }].sort((a, b) => a.name.localeCompare(b.name)))
    setNaming(false)
    setName('')
  }

  return (
    <div class="ms" ref={root}>
      <button class="btn" onClick={() => setOpen(!open())} aria-expanded={open()} data-testid="saved-views">
        <Icon name="bookmark" size={16} /> Views
      </button>
      <Show when={open()}>
        <div class="ms-pop ms-pop-end">
          <For each={views()} fallback={<div class="ms-empty muted small">No saved views yet. Filter the list, then save it here.</div>}>
            {(v) => (
              <div class="view-item">
                <button class="link-btn" onClick={() => (setOpen(false), props.onOpen(v.search))} data-testid="saved-view">
                  {v.name}
                </button>
                <button class="link-btn small" onClick={() => (setOpen(false), setSubscribing(v))} data-testid="subscribe-view">
                  Subscribe…
                </button>
                <button class="icon-btn" aria-label={`Delete view ${v.name}`} onClick={() => store(views().filter((x) => x.name !== v.name))}>
                  <Icon name="close" size={14} />
                </button>
              </div>
            )}
          </For>
          <button class="btn btn-small btn-block" onClick={() => (setOpen(false), setNaming(true))} data-testid="save-view">
            Save current view…
          </button>
        </div>
      </Show>
      <Show when={subscribing()}>{(v) => <Subscribe view={v()} onClose={() => setSubscribing(null)} />}</Show>
      <Show when={naming()}>
        <Modal title="Save this view" onClose={() => setNaming(false)}>
          <form class="form" onSubmit={save}>
            <label class="field">
              <span>Name</span>
              <input value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. My overdue finance items" data-testid="view-name" required />
            </label>
            <p class="muted small">Filters and sort: {props.search || 'the default view'}</p>
            <div class="form-actions">
              <button type="button" class="btn" onClick={() => setNaming(false)}>
                Cancel
              </button>
              <button type="submit" class="btn btn-primary" data-testid="view-save">
                Save
              </button>
            </div>
          </form>
        </Modal>
      </Show>
    </div>
  )
}

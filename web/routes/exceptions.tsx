// Delivery ops' work list: a windowed table of exceptions with filters and sort in the URL,
// multi-select with bulk triage, a detail panel, keyboard (j/k move, x select, a acknowledge,
// r resolve, / search, Enter open, Esc close), and new exceptions merged in by a poll.
import { useLocation, useNavigate } from '@solidjs/router'
import { createMemo, createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { EmptyState, ErrorNote, Skeleton } from '../components/feedback.tsx'
import Icon from '../components/icons.tsx'
import VirtualTable from '../components/VirtualTable.tsx'
import { download, errorMessage } from '../lib/api.ts'
import { exceptionSummary, sources } from '../lib/endpoints.ts'
import { emptyView, parseView, SORT_LABELS, SORT_OPTIONS, viewToApiQuery, viewToSearch, type ExceptionView, type SortKey } from '../lib/exception-view.ts'
import { formatNumber, formatRelative } from '../lib/format.ts'
import { canExport, canTriage } from '../lib/permissions.ts'
import { locale } from '../lib/prefs.ts'
import { currentUser } from '../lib/session.ts'
import { toast } from '../lib/toast.ts'
import { exceptionColumns } from './exceptions/columns.tsx'
import ExceptionDetailPanel from './exceptions/detail.tsx'
import FilterBar from './exceptions/filters.tsx'
import { perform, TriageDialog, type DialogRequest } from './exceptions/triage.tsx'
import { useExceptionList } from './exceptions/use-list.ts'
import SavedViews from './exceptions/views.tsx'

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))

export default function Exceptions() {
  const location = useLocation()
  const navigate = useNavigate()
  const view = createMemo(() => parseView(new URLSearchParams(location.search)), undefined, { equals: (a, b) => viewToSearch(a) === viewToSearch(b) })
  const openId = () => new URLSearchParams(location.search).get('id')
  const go = (v: ExceptionView, id: string | null, replace = false) => navigate(`/exceptions${viewToSearch(v, { id: id ?? undefined })}`, { replace })
  const setView = (patch: Partial<ExceptionView>) => go({ ...view(), ...patch }, openId())
  const open = (id: string | null) => go(view(), id, true)

  const [now, setNow] = createSignal(Date.now())
  const tick = setInterval(() => setNow(Date.now()), 30_000)
  onCleanup(() => clearInterval(tick))

  const [fresh, setFresh] = createSignal<Set<string>>(new Set())
  const list = useExceptionList(view, (ids) => {
    setFresh(new Set(ids))
    toast(`${ids.length} new exception${ids.length === 1 ? '' : 's'}`, 'info')
    setTimeout(() => setFresh(new Set<string>()), 4000)
  })

  const [selected, setSelected] = createSignal<Set<string>>(new Set())
  const [active, setActive] = createSignal(0)
  const [anchor, setAnchor] = createSignal<number | null>(null)
  const [dialog, setDialog] = createSignal<DialogRequest | null>(null)
  const [detailVersion, setDetailVersion] = createSignal(0)
  let search!: HTMLInputElement

  const toggle = (id: string, e?: MouseEvent) => {
    const s = new Set(selected())
    const rows = list.rows()
    const i = rows.findIndex((r) => r.id === id)
    if (e?.shiftKey && anchor() !== null) {
      const [a, b] = [Math.min(anchor()!, i), Math.max(anchor()!, i)]
      for (const r of rows.slice(a, b + 1)) s.add(r.id)
    } else s.has(id) ? s.delete(id) : s.add(id)
    setAnchor(i)
    setSelected(s)
  }
  const allSelected = () => list.rows().length > 0 && list.rows().every((r) => selected().has(r.id))
  const toggleAll = () => setSelected(allSelected() ? new Set<string>() : new Set(list.rows().map((r) => r.id)))

  const role = () => currentUser()?.role ?? 'executive'
  const targets = () => (selected().size ? [...selected()] : list.rows()[active()] ? [list.rows()[active()].id] : [])
  const afterAction = () => {
    setSelected(new Set<string>())
    setDetailVersion(detailVersion() + 1)
    void list.refresh()
  }
  const acknowledge = async (ids: string[]) => {
    if (ids.length && (await perform(ids, 'acknowledge'))) afterAction()
  }

  const [owners] = createResource(() => exceptionSummary('owner', { status: 'all' }).then((s) => s.items.map((i) => i.group)))
  const [practices] = createResource(() => exceptionSummary('practice', { status: 'all' }).then((s) => s.items.map((i) => i.group).filter(Boolean)))
  const [regions] = createResource(() => exceptionSummary('region', { status: 'all' }).then((s) => s.items.map((i) => i.group).filter(Boolean)))
  const [systems] = createResource(() => sources().then((s) => s.items.map((i) => i.system)))

  const onKey = (e: KeyboardEvent) => {
    if (e.metaKey || e.ctrlKey || e.altKey || dialog() || typing(e.target)) return
    const rows = list.rows()
    const move = (d: number) => {
      const i = Math.max(0, Math.min(rows.length - 1, active() + d))
      setActive(i)
      if (openId() && rows[i]) open(rows[i].id)
    }
    const k = e.key
    if (k === 'j' || k === 'ArrowDown') move(1)
    else if (k === 'k' || k === 'ArrowUp') move(-1)
    else if (k === '/') search.focus()
    else if (k === 'Enter' || k === 'o') rows[active()] && open(rows[active()].id)
    else if (k === 'x') rows[active()] && toggle(rows[active()].id)
    else if (k === 'a') void acknowledge(targets().filter((id) => rows.find((r) => r.id === id && r.status === 'open')))
    else if (k === 'r') targets().length && setDialog({ action: 'resolve', ids: targets() })
    else if (k === 'Escape') openId() ? open(null) : setSelected(new Set<string>())
    else return
    e.preventDefault()
  }
  onMount(() => document.addEventListener('keydown', onKey))
  onCleanup(() => document.removeEventListener('keydown', onKey))

  const exportAs = async (format: 'csv' | 'xlsx') => {
    try {
      const name = await download(`/api/v1/exports/exceptions.${format}`, viewToApiQuery(view()), `crosswalk-exceptions.${format}`)
      toast(`Downloaded ${name}`)
    } catch (e) {
      toast(errorMessage(e), 'error', 7000)
    }
  }

  const columns = createMemo(() =>
    exceptionColumns({ compact: Boolean(openId()), locale: locale(), now, sort: view().sort, onSort: (sort) => setView({ sort }), isSelected: (id) => selected().has(id), toggle, allSelected, toggleAll }),
  )

  return (
    <div class="page page-fill exceptions" data-testid="exceptions">
      <header class="page-head">
        <div>
          <h1>Exceptions</h1>
          <p class="muted" data-testid="list-count">
            <Show when={!list.loading()} fallback="Loading…">
              {formatNumber(list.rows().length, locale())}
              {list.cursor() ? '+' : ''} exception{list.rows().length === 1 ? '' : 's'} · checked {formatRelative(new Date(list.checkedAt()).toISOString(), now(), locale())}
            </Show>
          </p>
        </div>
        <div class="toolbar">
          <label class="field-inline">
            <span>Sort</span>
            <select value={view().sort} onChange={(e) => setView({ sort: e.currentTarget.value as SortKey })} data-testid="sort">
              <For each={[...SORT_OPTIONS]}>{(s) => <option value={s}>{SORT_LABELS[s]}</option>}</For>
            </select>
          </label>
          <SavedViews user={currentUser()?.email ?? 'me'} search={viewToSearch(view())} onOpen={(s) => navigate(`/exceptions${s}`)} />
          <Show when={canExport(role())}>
            <button class="btn" onClick={() => exportAs('csv')} data-testid="export-csv">
              <Icon name="download" size={16} /> CSV
            </button>
            <button class="btn" onClick={() => exportAs('xlsx')} data-testid="export-xlsx">
              <Icon name="download" size={16} /> XLSX
            </button>
          </Show>
        </div>
      </header>

      <FilterBar
        view={view()}
        options={{ owners: owners() ?? [], systems: systems() ?? [], practices: practices() ?? [], regions: regions() ?? [] }}
        onChange={setView}
        onClear={() => go({ ...emptyView(), sort: view().sort }, null)}
        searchRef={(el) => (search = el)}
      />

      <Show when={selected().size}>
        <div class="bulkbar" data-testid="bulk-bar">
          <strong>{selected().size} selected</strong>
          <button class="btn btn-small" onClick={() => acknowledge([...selected()])} data-testid="bulk-acknowledge">
            Acknowledge
          </button>
          <button class="btn btn-small" onClick={() => setDialog({ action: 'resolve', ids: [...selected()] })} data-testid="bulk-resolve">
            Resolve…
          </button>
          <button class="btn btn-small" onClick={() => setDialog({ action: 'assign', ids: [...selected()] })} data-testid="bulk-assign">
            Assign…
          </button>
          <button class="btn btn-ghost btn-small" onClick={() => setSelected(new Set<string>())}>
            Clear selection
          </button>
          <Show when={[...selected()].some((id) => !canTriage(role(), list.rows().find((r) => r.id === id)?.rule ?? ''))}>
            <span class="muted small">Some selected exceptions belong to rules your role does not triage; they will be skipped.</span>
          </Show>
        </div>
      </Show>

      <div class="ex-body" classList={{ 'with-detail': Boolean(openId()) }}>
        <Show when={!list.error() || list.rows().length} fallback={<ErrorNote error={new Error(list.error()!)} onRetry={list.load} title="Could not load exceptions." />}>
          <Show when={!list.loading() || list.rows().length} fallback={<div class="vtable"><Skeleton lines={10} height={26} /></div>}>
            <Show
              when={list.rows().length}
              fallback={
                <div class="vtable">
                  <EmptyState title="No exceptions match this view" icon={<Icon name="inbox" size={30} />} testid="empty-list" action={<button class="btn" onClick={() => go(emptyView(), null)}>Clear all filters</button>}>
                    Widen the filters, or include resolved exceptions with Status → Any status. New exceptions appear here on their own.
                  </EmptyState>
                </div>
              }
            >
              <VirtualTable
                label="Exceptions"
                testid="exception-table"
                rows={list.rows()}
                columns={columns()}
                rowKey={(r) => r.id}
                rowHeight={48}
                minWidth={openId() ? 0 : 920}
                activeIndex={active()}
                isSelected={(r) => selected().has(r.id)}
                rowClass={(r) => ({ 'is-new': fresh().has(r.id), 'is-open': r.id === openId() })}
                onRowClick={(r, i) => (setActive(i), open(r.id))}
                onEndReached={() => void list.more()}
                footer={list.loadingMore() ? 'Loading more…' : list.cursor() ? '' : list.rows().length > 30 ? 'End of the list' : undefined}
              />
            </Show>
          </Show>
        </Show>
        <Show when={openId()}>
          {(id) => (
            <ExceptionDetailPanel
              id={id()}
              version={detailVersion()}
              onClose={() => open(null)}
              onChanged={(d) => (list.patch(d), void list.refresh())}
              onDialog={setDialog}
            />
          )}
        </Show>
      </div>

      <footer class="keys muted small" aria-label="Keyboard shortcuts">
        <span><kbd>j</kbd>/<kbd>k</kbd> move</span>
        <span><kbd>Enter</kbd> open</span>
        <span><kbd>x</kbd> select</span>
        <span><kbd>a</kbd> acknowledge</span>
        <span><kbd>r</kbd> resolve</span>
        <span><kbd>/</kbd> search</span>
        <span><kbd>Esc</kbd> close</span>
      </footer>

      <Show when={dialog()}>
        {(d) => <TriageDialog request={d()} owners={owners() ?? []} onDone={(ok) => (setDialog(null), ok && afterAction())} />}
      </Show>
    </div>
  )
}

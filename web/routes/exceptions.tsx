// Delivery ops' work list: a windowed table of exceptions with filters and sort in the URL,
// multi-select with bulk triage, a detail panel, keyboard (j/k move, x select, a acknowledge,
// r resolve, / search, Enter open, Esc close), and new exceptions merged in by a poll.
import { useLocation, useNavigate } from '@solidjs/router'
import { createMemo, createResource, createSignal, onCleanup, Show } from 'solid-js'
import { EmptyState, ErrorNote, Skeleton } from '../components/feedback.tsx'
import Icon from '../components/icons.tsx'
import VirtualTable from '../components/VirtualTable.tsx'
import { exceptionSummary, exportUrl, sources, type ExceptionItem } from '../lib/endpoints.ts'
import { saveExport } from '../lib/exports.ts'
import { emptyView, parseView, viewToApiQuery, viewToSearch, type ExceptionView } from '../lib/exception-view.ts'
import { canExport, canTriage } from '../lib/permissions.ts'
import { locale } from '../lib/prefs.ts'
import { currentUser } from '../lib/session.ts'
import { toast } from '../lib/toast.ts'
import { BulkBar, KeyLegend } from './exceptions/chrome.tsx'
import { exceptionColumns } from './exceptions/columns.tsx'
import ExceptionDetailPanel from './exceptions/detail.tsx'
import FilterBar from './exceptions/filters.tsx'
import { ListHead } from './exceptions/head.tsx'
import { useListKeys } from './exceptions/keys.ts'
import { useSelection } from './exceptions/selection.ts'
import { perform, TriageDialog, type DialogRequest } from './exceptions/triage.tsx'
import { useExceptionList } from './exceptions/use-list.ts'
import { SnoozeDialog } from './exceptions/snooze.tsx'

/** What the filters offer beyond the catalogue: owners, practices and regions seen, and the systems. */
function useFilterOptions() {
  const groups = (by: 'owner' | 'practice' | 'region') => exceptionSummary(by, { status: 'all' }).then((s) => s.items.map((i) => i.group).filter(Boolean))
  const [owners] = createResource(() => groups('owner'))
  const [practices] = createResource(() => groups('practice'))
  const [regions] = createResource(() => groups('region'))
  const [systems] = createResource(() => sources().then((s) => s.items.map((i) => i.system)))
  return () => ({ owners: owners() ?? [], systems: systems() ?? [], practices: practices() ?? [], regions: regions() ?? [] })
}

/** The table, or why there is none: an error, the first load, or a view nothing matches. */
function ListBody(props: {
  list: ReturnType<typeof useExceptionList>
  columns: ReturnType<typeof exceptionColumns>
  openId: string | null
  active: number
  isSelected: (id: string) => boolean
  fresh: Set<string>
  onRow: (r: ExceptionItem, i: number) => void
  onClearAll: () => void
}) {
  const list = props.list
  return (
    <Show when={!list.error() || list.rows().length} fallback={<ErrorNote error={new Error(list.error()!)} onRetry={list.load} title="Could not load exceptions." />}>
      <Show when={!list.loading() || list.rows().length} fallback={<div class="vtable"><Skeleton lines={10} height={26} /></div>}>
        <Show
          when={list.rows().length}
          fallback={
            <div class="vtable">
              <EmptyState title="No exceptions match this view" icon={<Icon name="inbox" size={30} />} testid="empty-list" action={<button class="btn" onClick={() => props.onClearAll()}>Clear all filters</button>}>
                Widen the filters, or include resolved exceptions with Status → Any status. New exceptions appear here on their own.
              </EmptyState>
            </div>
          }
        >
          <VirtualTable
            label="Exceptions"
            testid="exception-table"
            rows={list.rows()}
            columns={props.columns}
            rowKey={(r) => r.id}
            rowHeight={48}
            minWidth={props.openId ? 0 : 920}
            activeIndex={props.active}
            isSelected={(r) => props.isSelected(r.id)}
            rowClass={(r) => ({ 'is-new': props.fresh.has(r.id), 'is-open': r.id === props.openId })}
            onRowClick={props.onRow}
            onEndReached={() => void list.more()}
            footer={list.loadingMore() ? 'Loading more…' : list.cursor() ? '' : list.rows().length > 30 ? 'End of the list' : undefined}
          />
        </Show>
      </Show>
    </Show>
  )
}

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

  const sel = useSelection(list.rows)
  const [active, setActive] = createSignal(0)
  const [dialog, setDialog] = createSignal<DialogRequest | null>(null)
  const [detailVersion, setDetailVersion] = createSignal(0)
  let search!: HTMLInputElement

  const role = () => currentUser()?.role ?? 'executive'
  const afterAction = () => {
    sel.clear()
    setDetailVersion(detailVersion() + 1)
    void list.refresh()
  }
  const acknowledge = async (ids: string[]) => {
    if (ids.length && (await perform(ids, 'acknowledge'))) afterAction()
  }
  const options = useFilterOptions()

  useListKeys({
    rows: list.rows,
    active,
    setActive,
    openId,
    open,
    blocked: () => Boolean(dialog()),
    toggle: (id) => sel.toggle(id),
    targets: () => (sel.selected().size ? [...sel.selected()] : list.rows()[active()] ? [list.rows()[active()].id] : []),
    acknowledge: (ids) => void acknowledge(ids),
    resolve: (ids) => setDialog({ action: 'resolve', ids }),
    clearSelection: sel.clear,
    focusSearch: () => search.focus(),
  })

  const exportAs = (format: 'csv' | 'xlsx') => saveExport(exportUrl.exceptions(format, viewToApiQuery(view())), `crosswalk-exceptions.${format}`)
  const columns = createMemo(() =>
    exceptionColumns({ compact: Boolean(openId()), locale: locale(), now, sort: view().sort, onSort: (sort) => setView({ sort }), isSelected: (id) => sel.selected().has(id), toggle: sel.toggle, allSelected: sel.allSelected, toggleAll: sel.toggleAll }),
  )
  const someSkipped = () => [...sel.selected()].some((id) => !canTriage(role(), list.rows().find((r) => r.id === id)?.rule ?? ''))

  return (
    <div class="page page-fill exceptions" data-testid="exceptions">
      <ListHead
        loading={list.loading()}
        count={list.rows().length}
        more={Boolean(list.cursor())}
        checkedAt={list.checkedAt()}
        now={now()}
        locale={locale()}
        sort={view().sort}
        onSort={(sort) => setView({ sort })}
        user={currentUser()?.email ?? 'me'}
        search={viewToSearch(view())}
        onOpenView={(s) => navigate(`/exceptions${s}`)}
        canExport={canExport(role())}
        onExport={exportAs}
      />
      <FilterBar view={view()} options={options()} onChange={setView} onClear={() => go({ ...emptyView(), sort: view().sort }, null)} searchRef={(el) => (search = el)} />
      <Show when={sel.selected().size}>
        <BulkBar ids={[...sel.selected()]} someSkipped={someSkipped()} onAcknowledge={() => acknowledge([...sel.selected()])} onDialog={setDialog} onClear={sel.clear} />
      </Show>
      <div class="ex-body" classList={{ 'with-detail': Boolean(openId()) }}>
        <ListBody list={list} columns={columns()} openId={openId()} active={active()} isSelected={(id) => sel.selected().has(id)} fresh={fresh()} onRow={(r, i) => (setActive(i), open(r.id))} onClearAll={() => go(emptyView(), null)} />
        <Show when={openId()}>
          {(id) => <ExceptionDetailPanel id={id()} version={detailVersion()} onClose={() => open(null)} onChanged={(d) => (list.patch(d), void list.refresh())} onDialog={setDialog} />}
        </Show>
      </div>
      <KeyLegend />
      <Show when={dialog()}>
        {(d) => {
          const done = (ok: boolean) => (setDialog(null), ok && afterAction())
          const r = d()
          return r.action === 'snooze' ? <SnoozeDialog ids={r.ids} locale={locale()} onDone={done} /> : <TriageDialog request={{ ...r, action: r.action }} owners={options().owners} onDone={done} />
        }}
      </Show>
    </div>
  )
}

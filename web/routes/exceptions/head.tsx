// The list's header: how many exceptions and when they were checked, the sort, saved views and
// the exports.
import { For, Show } from 'solid-js'
import ExportButtons from '../../components/ExportButtons.tsx'
import { SORT_LABELS, SORT_OPTIONS, type SortKey } from '../../lib/exception-view.ts'
import { formatNumber, formatRelative } from '../../lib/format.ts'
import SavedViews from './views.tsx'

export function ListHead(props: {
  loading: boolean
  count: number
  more: boolean
  checkedAt: number
  now: number
  locale: string
  sort: SortKey
  onSort: (s: SortKey) => void
  user: string
  search: string
  onOpenView: (search: string) => void
  canExport: boolean
  onExport: (format: 'csv' | 'xlsx') => void
}) {
  return (
    <header class="page-head">
      <div>
        <h1>Exceptions</h1>
        <p class="muted" data-testid="list-count">
          <Show when={!props.loading} fallback="Loading…">
            {formatNumber(props.count, props.locale)}
            {props.more ? '+' : ''} exception{props.count === 1 ? '' : 's'} · checked {formatRelative(new Date(props.checkedAt).toISOString(), props.now, props.locale)}
          </Show>
        </p>
      </div>
      <div class="toolbar">
        <label class="field-inline">
          <span>Sort</span>
          <select value={props.sort} onChange={(e) => props.onSort(e.currentTarget.value as SortKey)} data-testid="sort">
            <For each={[...SORT_OPTIONS]}>{(s) => <option value={s}>{SORT_LABELS[s]}</option>}</For>
          </select>
        </label>
        <SavedViews user={props.user} search={props.search} onOpen={props.onOpenView} />
        <Show when={props.canExport}>
          <ExportButtons onExport={props.onExport} testid="export" />
        </Show>
      </div>
    </header>
  )
}

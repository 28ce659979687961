// The records behind one bar of the margin, forecast or bench charts, in a drawer: a windowed
// table that loads the next page as its end comes into view.
import { createMemo, createResource, createSignal, on, Show, createEffect } from 'solid-js'
import Drawer from '../../components/Drawer.tsx'
import VirtualTable, { type Column } from '../../components/VirtualTable.tsx'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import { errorMessage } from '../../lib/api.ts'
import { formatNumber } from '../../lib/format.ts'
import { kpiDef } from '../../lib/kpi-tiles.ts'
import { fmt } from '../../lib/prefs.ts'
import { ready } from './card-states.ts'
import { records, type Drill, type OverviewQuery } from './measures-data.ts'
import { columnWidth, formatCell, RECORD_VIEWS, recordColumns, recordKey, type RecordRow } from './record-columns.ts'

const WHAT = { gross_margin: 'time entries', forecast_accuracy: 'assignments', bench_capacity: 'people' } as Record<string, string>

export default function RecordsDrawer(props: { drill: Drill; query: OverviewQuery; onClose: () => void }) {
  const [rows, setRows] = createSignal<RecordRow[]>([])
  const [next, setNext] = createSignal<string | null>(null)
  const [more, setMore] = createSignal<string | null>(null)
  const [first, { refetch }] = createResource(() => ({ d: props.drill, q: props.query }), ({ d, q }) => records(d, q))
  createEffect(
    // Read without suspending: the section behind the drawer stays as it is.
    on(() => ready(first), (a) => {
      setRows(a?.items ?? [])
      setNext(a?.next_cursor ?? null)
    }),
  )
  const loadMore = () => {
    const c = next()
    if (!c) return
    setNext(null)
    records(props.drill, props.query, c)
      .then((a) => {
        setRows((r) => [...r, ...a.items])
        setNext(a.next_cursor)
      })
      .catch((e) => setMore(errorMessage(e)))
  }
  // The drilled dimension is the same on every row, and `converted` is news only when false.
  const view = () => {
    const v = RECORD_VIEWS[props.drill.name] ?? {}
    const allConverted = rows().every((r) => r.converted !== false)
    return { ...v, hide: [...(v.hide ?? []), props.drill.by, ...(allConverted ? ['converted'] : [])] }
  }
  const cols = createMemo(() => recordColumns(rows(), view()))
  const columns = (): Column<RecordRow>[] =>
    cols().map((c, i) => ({
      id: c.id,
      header: c.header,
      width: columnWidth(c, i),
      align: c.kind === 'text' ? 'left' : 'right',
      cell: (r) => formatCell(c.kind, c.get(r()), fmt()),
    }))
  const what = () => WHAT[props.drill.name] ?? 'records'

  return (
    <Drawer
      title={<>{kpiDef(props.drill.name).title} <span class="muted">· {props.drill.label}</span></>}
      onClose={props.onClose}
      testid="records-drawer"
      wide
    >
      <Show when={!first.error} fallback={<ErrorNote error={first.error} onRetry={refetch} />}>
        <Show when={!first.loading} fallback={<Skeleton lines={8} height={18} />}>
          <p class="muted small" data-testid="records-count">
            {formatNumber(rows().length, fmt().locale)} {what()}
            {next() ? ' so far · scroll for more' : ''}
          </p>
          <Show when={more()}>{(m) => <p class="error-note small">{m()}</p>}</Show>
          <Show when={rows().length} fallback={<p class="muted">No {what()} behind this number.</p>}>
            <div class="records-table">
              <VirtualTable label={`${what()} behind ${props.drill.label}`} testid="records-table" rows={rows()} columns={columns()} rowKey={(r) => recordKey(r, rows().indexOf(r))} rowHeight={36} minWidth={Math.max(560, cols().length * 84)} onEndReached={loadMore} />
            </div>
          </Show>
        </Show>
      </Show>
    </Drawer>
  )
}

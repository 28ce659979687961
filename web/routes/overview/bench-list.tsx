// The people on the bench over the next four weeks: free hours in total and per week, most
// free first (the server's order). A row opens that person's bench records.
import { createMemo } from 'solid-js'
import ChartCard from '../../components/ChartCard.tsx'
import VirtualTable, { type Column } from '../../components/VirtualTable.tsx'
import { formatNumber } from '../../lib/format.ts'
import { fmt } from '../../lib/prefs.ts'
import type { CardState } from './card-states.ts'
import { formatCell, RECORD_VIEWS, recordColumns, recordKey, type RecordRow } from './record-columns.ts'

export default function BenchList(props: CardState & { items: RecordRow[] | undefined; more: boolean; onMore: () => void }) {
  const rows = () => props.items ?? []
  const cols = createMemo(() => recordColumns(rows(), RECORD_VIEWS.bench_list))
  // Whole hours, no unit (the subtitle says hours): seven columns fit a half-width card.
  const columns = (): Column<RecordRow>[] =>
    cols().map((c, i) => ({
      id: c.id,
      header: c.header,
      width: c.kind === 'text' ? (i === 0 ? 'minmax(112px, 1.6fr)' : 'minmax(80px, 1.1fr)') : 'minmax(42px, 0.6fr)',
      align: c.kind === 'text' ? 'left' : 'right',
      cell: (r) => formatCell(c.kind, c.get(r()), fmt(), true),
    }))
  return (
    <ChartCard
      title="On the bench"
      subtitle={`${formatNumber(rows().length, fmt().locale)}${props.more ? '+' : ''} people with free time in the next four weeks · in hours`}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={rows().length === 0 && 'Nobody on the bench: all capacity is planned'}
      testid="bench-list"
    >
      <div class="bench-table">
        <VirtualTable label="People on the bench" testid="bench-table" rows={rows()} columns={columns()} rowKey={(r) => recordKey(r, rows().indexOf(r))} rowHeight={34} minWidth={Math.max(380, cols().length * 50)} onEndReached={props.onMore} />
      </div>
    </ChartCard>
  )
}

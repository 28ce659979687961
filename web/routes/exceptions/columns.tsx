// The exception table's columns.
import { Show } from 'solid-js'
import type { Column } from '../../components/VirtualTable.tsx'
import { SeverityPill, StatusPill } from '../../components/pills.tsx'
import type { ExceptionItem } from '../../lib/endpoints.ts'
import type { SortKey } from '../../lib/exception-view.ts'
import { formatDateTime, formatMoneyWithReporting, formatRelative } from '../../lib/format.ts'
import { ruleTitle } from '../../lib/rules.ts'
import { snoozeLabel } from '../../lib/snooze.ts'

export function exceptionColumns(o: {
  /** Beside the detail panel: fewer columns (owner under the title, no status or dates). */
  compact: boolean
  locale: string
  now: () => number
  sort: SortKey
  onSort: (s: SortKey) => void
  isSelected: (id: string) => boolean
  toggle: (id: string, e: MouseEvent) => void
  allSelected: () => boolean
  toggleAll: () => void
}): Column<ExceptionItem>[] {
  const dir = (key: string) => (o.sort === key ? 'asc' : o.sort === `-${key}` ? 'desc' : null)
  const flip = (key: string, first: 'asc' | 'desc') => () => {
    const d = dir(key)
    o.onSort(((d ?? (first === 'asc' ? 'desc' : 'asc')) === 'asc' ? `-${key}` : key) as SortKey)
  }
  const all: Column<ExceptionItem>[] = [
    {
      id: 'select',
      width: '40px',
      align: 'center',
      header: <input type="checkbox" aria-label="Select all loaded" checked={o.allSelected()} onChange={() => o.toggleAll()} data-testid="select-all" />,
      cell: (r) => (
        <input
          type="checkbox"
          aria-label={`Select ${r().entity_key}`}
          checked={o.isSelected(r().id)}
          onClick={(e) => (e.stopPropagation(), o.toggle(r().id, e))}
          data-testid="row-select"
        />
      ),
    },
    { id: 'severity', width: '104px', header: 'Severity', cell: (r) => <SeverityPill severity={r().severity} /> },
    {
      id: 'rule',
      width: 'minmax(0, 2.4fr)',
      header: 'Exception',
      cell: (r) => (
        <div class="cell-stack">
          <span class="cell-main" title={ruleTitle(r().rule)}>
            {ruleTitle(r().rule)}
          </span>
          <span class="cell-sub">
            <span class="mono">{r().entity_key}</span> · {o.compact ? r().owner : r().systems.join(' · ')}
            {!o.compact && r().practice ? ` · ${r().practice}` : ''}
          </span>
        </div>
      ),
    },
    { id: 'owner', width: 'minmax(0, 1fr)', header: 'Owner', cell: (r) => <span title={r().owner}>{r().owner}</span> },
    {
      id: 'status',
      width: '120px',
      header: 'Status',
      cell: (r) => (
        <div class="cell-stack">
          <StatusPill status={r().status} resolution={r().resolution} />
          <Show when={r().snoozed_until}>
            {(until) => (
              <span class="cell-sub" data-testid="row-snoozed" title={formatDateTime(until(), o.locale)}>
                until {snoozeLabel(until(), o.locale)}
              </span>
            )}
          </Show>
        </div>
      ),
    },
    {
      id: 'amount',
      width: '124px',
      align: 'right',
      header: 'At risk',
      sort: { dir: dir('amount_at_risk'), toggle: flip('amount_at_risk', 'desc') },
      // The amount in its record's currency; the reporting amount under it when that differs.
      cell: (r) => {
        const m = () => formatMoneyWithReporting(r().amount_at_risk, r().currency, r().amount_at_risk_reporting, r().reporting_currency, o.locale)
        return (
          <span data-testid="amount">
            {r().amount_at_risk ? m().native : '—'}
            {r().amount_at_risk && m().reporting ? <span class="cell-sub" data-testid="amount-reporting">{m().reporting}</span> : null}
          </span>
        )
      },
    },
    {
      id: 'age',
      width: '108px',
      header: 'Detected',
      // Oldest first is "age" ascending.
      sort: { dir: o.sort === 'age' ? 'asc' : o.sort === '-age' ? 'desc' : null, toggle: () => o.onSort(o.sort === 'age' ? '-age' : 'age') },
      cell: (r) => <span title={formatDateTime(r().first_detected_at, o.locale)}>{formatRelative(r().first_detected_at, o.now(), o.locale)}</span>,
    },
    {
      id: 'due',
      width: '104px',
      header: 'Due',
      sort: { dir: dir('due_at'), toggle: flip('due_at', 'asc') },
      cell: (r) => (
        <span classList={{ overdue: r().overdue && r().status !== 'resolved' }} title={formatDateTime(r().due_at, o.locale)}>
          {r().status === 'resolved' ? '—' : formatRelative(r().due_at, o.now(), o.locale)}
        </span>
      ),
    },
  ]
  return o.compact ? all.filter((c) => ['select', 'severity', 'rule', 'amount'].includes(c.id)) : all
}

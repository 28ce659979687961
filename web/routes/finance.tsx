// Finance: month-close readiness, the system-pair match matrix with record-level drill-down,
// and exports (CSV, XLSX) of exactly what is on screen. Month, comparison and status live in
// the URL.
import { useSearchParams } from '@solidjs/router'
import { createResource, Show } from 'solid-js'
import { ErrorNote, Skeleton } from '../components/feedback.tsx'
import Icon from '../components/icons.tsx'
import MatchMatrix, { type MatrixPick } from '../components/MatchMatrix.tsx'
import { closeReadiness, exportUrl, reconciliation, type MatchStatus } from '../lib/endpoints.ts'
import { saveExport } from '../lib/exports.ts'
import { formatMonth } from '../lib/format.ts'
import { canExport, FINANCE_RULES } from '../lib/permissions.ts'
import { fmt, locale } from '../lib/prefs.ts'
import { currentUser } from '../lib/session.ts'
import CloseReadiness from './finance/close.tsx'
import ReconRecords from './finance/records.tsx'

const STATUSES: MatchStatus[] = ['matched', 'differing', 'only_a', 'only_b']

export default function Finance() {
  const [params, setParams] = useSearchParams<{ month?: string; scope?: string; pair?: string; entity?: string; status?: string }>()
  const thisMonth = new Date().toISOString().slice(0, 7)
  const month = () => (params.month && /^\d{4}-(0[1-9]|1[0-2])$/.test(params.month) && params.month <= thisMonth ? params.month : thisMonth)
  const range = () => {
    const [y, m] = month().split('-').map(Number)
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
    const today = new Date().toISOString().slice(0, 10)
    return params.scope === 'ytd' ? { from: `${y}-01-01`, to: end < today ? end : today } : { from: `${month()}-01`, to: end < today ? end : today }
  }
  const pick = (): MatrixPick | null =>
    params.pair && params.entity && STATUSES.includes(params.status as MatchStatus) ? { pair: params.pair, entity: params.entity, status: params.status as MatchStatus } : null

  const [close, { refetch: refetchClose }] = createResource(month, closeReadiness)
  const [matrix, { refetch: refetchMatrix }] = createResource(range, (r) => reconciliation({ from: r.from, to: r.to }))
  const role = () => currentUser()?.role ?? 'executive'

  const exportExceptions = (format: 'csv' | 'xlsx') => saveExport(exportUrl.exceptions(format, { rule: FINANCE_RULES }), `crosswalk-finance-exceptions.${format}`)

  return (
    <div class="page finance" data-testid="finance">
      <header class="page-head">
        <div>
          <h1>Reconciliation & close</h1>
          <p class="muted">
            {formatMonth(month(), locale())} · {params.scope === 'ytd' ? 'matrix over the year to date' : 'matrix over the month'}
          </p>
        </div>
        <div class="toolbar">
          <label class="field-inline">
            <span>Month</span>
            <input type="month" value={month()} max={thisMonth} onChange={(e) => setParams({ month: e.currentTarget.value || undefined })} data-testid="month" />
          </label>
          <label class="field-inline">
            <span>Matrix</span>
            <select value={params.scope === 'ytd' ? 'ytd' : 'month'} onChange={(e) => setParams({ scope: e.currentTarget.value === 'ytd' ? 'ytd' : undefined })} data-testid="scope">
              <option value="month">This month</option>
              <option value="ytd">Year to date</option>
            </select>
          </label>
          <Show when={canExport(role())}>
            <button class="btn" onClick={() => exportExceptions('csv')} data-testid="export-finance-csv" title="Open exceptions of the finance rules">
              <Icon name="download" size={16} /> Exceptions CSV
            </button>
            <button class="btn" onClick={() => exportExceptions('xlsx')} data-testid="export-finance-xlsx">
              <Icon name="download" size={16} /> XLSX
            </button>
          </Show>
        </div>
      </header>

      <section class="card">
        <header class="card-head">
          <div>
            <h2>Month-close readiness</h2>
            <p class="muted small">What still blocks closing {formatMonth(month(), locale())}</p>
          </div>
        </header>
        <Show when={!close.error} fallback={<ErrorNote error={close.error} onRetry={refetchClose} />}>
          <Show when={!close.loading} fallback={<Skeleton lines={5} height={18} />}>
            <CloseReadiness close={close() ?? null} locale={locale()} currency={fmt().currency} />
          </Show>
        </Show>
      </section>

      <section class="card">
        <header class="card-head">
          <div>
            <h2>Match matrix</h2>
            <p class="muted small">Each system pair: records that match, differ, or exist on one side only. Click a count to see the records.</p>
          </div>
        </header>
        <Show when={!matrix.error} fallback={<ErrorNote error={matrix.error} onRetry={refetchMatrix} />}>
          <MatchMatrix
            answer={matrix()}
            loading={matrix.loading}
            selected={pick()}
            locale={locale()}
            currency={fmt().currency}
            onPick={(p) => setParams({ pair: p.pair, entity: p.entity, status: p.status })}
          />
        </Show>
      </section>

      <Show when={pick()}>
        {(p) => <ReconRecords pair={p().pair} entity={p().entity} status={p().status} from={range().from} to={range().to} locale={locale()} canExport={canExport(role())} />}
      </Show>
    </div>
  )
}

// A connector's runs (CONTRACT §8): the status pill, and the table of the last runs with their
// mode, trigger, timing, counts and, for a failed or cut-short run, why in words.
import { For, Show } from 'solid-js'
import type { ConnectorRun, ConnectorStatus } from '../lib/endpoints.ts'
import { formatDateTime, formatDuration, formatNumber, formatRelative, humanize } from '../lib/format.ts'
import { locale } from '../lib/prefs.ts'

export const TYPE_LABELS: Record<string, string> = {
  salesforce: 'Salesforce', netsuite: 'NetSuite', dynamics: 'Dynamics 365', workday: 'Workday', kantata: 'Kantata', harvest: 'Harvest',
}
export const typeLabel = (type: string) => TYPE_LABELS[type] ?? humanize(type)
export const modeLabel = (mode: string) => (mode === 'full' ? 'Full listing' : 'Incremental')
const TRIGGERS: Record<string, string> = { schedule: 'Schedule', api: 'Pull now', cli: 'CLI' }

/** "every 15m · full listing every 24h", or "on demand only". Pure. */
export function scheduleText(c: Pick<ConnectorStatus, 'every' | 'full_every'>): string {
  const parts = [c.every ? `every ${c.every}` : null, c.full_every ? `full listing every ${c.full_every}` : null].filter(Boolean)
  return parts.length ? parts.join(' · ') : 'on demand only'
}

/** Running, OK, Stopped early (ended with an error, its pages kept) or Failed. Pure. */
export function runState(r: Pick<ConnectorRun, 'status' | 'error'>): { label: string; cls: string } {
  if (r.status === 'running') return { label: 'Running', cls: 'status-open' }
  if (r.status === 'failed') return { label: 'Failed', cls: 'sev-critical' }
  return r.error ? { label: 'Stopped early', cls: 'status-acknowledged' } : { label: 'OK', cls: 'status-resolved' }
}

// A running run's duration so far: re-read at each poll, which gives the row a new run.
const duration = (r: ConnectorRun) => formatDuration((r.ended_at ? Date.parse(r.ended_at) : Date.now()) - Date.parse(r.started_at))

export function RunPill(props: { run: Pick<ConnectorRun, 'status' | 'error'> }) {
  const s = () => runState(props.run)
  return (
    <span class={`pill ${s().cls}`} data-testid="run-status" data-status={props.run.status}>
      <Show when={props.run.status === 'running'}>
        <span class="run-spin" aria-hidden="true" />
      </Show>
      {s().label}
    </span>
  )
}

/** One compact line for a source card: the last run's pill and when, or the progress of a pull. */
export function LastRunLine(props: { run: ConnectorRun | null; now: number }) {
  return (
    <Show when={props.run} fallback={<span class="muted small">never pulled</span>}>
      {(r) => (
        <span class="last-run small" data-testid="last-run">
          <RunPill run={r()} />{' '}
          <Show when={r().status === 'running'} fallback={<span class="muted">{formatRelative(r().started_at, props.now, locale())}</span>}>
            <span class="muted" data-testid="run-progress">
              {formatNumber(r().pages, locale())} pages · {formatNumber(r().records, locale())} records
            </span>
          </Show>
        </span>
      )}
    </Show>
  )
}

export function RunsTable(props: { runs: ConnectorRun[]; now: number }) {
  return (
    <div class="table-wrap">
      <table class="table runs" data-testid="runs">
        <thead>
          <tr>
            <th>Status</th><th>Mode</th><th>Trigger</th><th>Started</th><th class="num">Duration</th>
            <th class="num">Pages</th><th class="num">Records</th><th class="num">Rejected</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.runs} fallback={<tr><td colspan="8" class="muted">No pulls yet.</td></tr>}>
            {(r) => (
              <>
                <tr data-testid="run" data-run={r.run_id} data-status={r.status}>
                  <td><RunPill run={r} /></td>
                  <td>{modeLabel(r.mode)}</td>
                  <td>{TRIGGERS[r.trigger] ?? humanize(r.trigger)}</td>
                  <td class="nowrap" title={formatRelative(r.started_at, props.now, locale())}>{formatDateTime(r.started_at, locale())}</td>
                  <td class="num">{duration(r)}</td>
                  <td class="num">{formatNumber(r.pages, locale())}</td>
                  <td class="num" data-testid="run-records">{formatNumber(r.records, locale())}</td>
                  <td class="num" classList={{ overdue: r.rejected > 0 }}>{formatNumber(r.rejected, locale())}</td>
                </tr>
                <Show when={r.error}>
                  <tr class="run-error">
                    <td colspan="8" class="reason" data-testid="run-error">{r.error}</td>
                  </tr>
                </Show>
              </>
            )}
          </For>
        </tbody>
      </table>
    </div>
  )
}

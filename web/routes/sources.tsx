// Sources: each system's kind, last batch, freshness against the SLA and records by entity;
// then the rejected lines in the dead-letter store with their reasons, fixable and replayable.
import { useSearchParams } from '@solidjs/router'
import { createResource, createSignal, For, Index, onCleanup, Show } from 'solid-js'
import ConnectorSection from '../components/ConnectorSection.tsx'
import { LastRunLine, typeLabel } from '../components/ConnectorRuns.tsx'
import { EmptyState, ErrorNote, Skeleton } from '../components/feedback.tsx'
import Icon from '../components/icons.tsx'
import { errorMessage } from '../lib/api.ts'
import type { ConnectorStatus, DeadLetter, SourceItem } from '../lib/endpoints.ts'
import { deadLetters, replay, sources } from '../lib/endpoints.ts'
import { formatDateTime, formatNumber, formatRelative, humanize } from '../lib/format.ts'
import { canReplay, isAdmin } from '../lib/permissions.ts'
import { followedRun } from '../lib/pulls.ts'
import { locale } from '../lib/prefs.ts'
import { currentUser } from '../lib/session.ts'
import { toast } from '../lib/toast.ts'

const SLA_HOURS = 24

function SourceCard(props: { s: SourceItem; now: number }) {
  const age = () => (props.s.last_observed_at ? (props.now - Date.parse(props.s.last_observed_at)) / 3600_000 : null)
  const entities = () => Object.entries(props.s.entities).sort((a, b) => b[1].records - a[1].records)
  return (
    <article class="card source" data-testid="source-card" data-system={props.s.system}>
      <header class="source-head">
        <div>
          <h2>{props.s.name}</h2>
          <span class="muted small mono">{props.s.system}</span>
        </div>
        <span class="tag">{props.s.kind.toUpperCase()}</span>
      </header>
      <div class="fresh">
        <div class="fresh-top">
          <span class={`pill ${props.s.stale ? 'sev-critical' : 'status-resolved'}`} data-testid="freshness">
            {props.s.stale ? 'Late' : 'Fresh'}
          </span>
          <span class="muted small">{props.s.last_observed_at ? `data from ${formatRelative(props.s.last_observed_at, props.now, locale())}` : 'never sent data'}</span>
        </div>
        <div class="fresh-bar" title={`SLA ${SLA_HOURS} h`}>
          <span classList={{ late: props.s.stale }} style={{ width: `${Math.min(100, ((age() ?? SLA_HOURS * 1.5) / (SLA_HOURS * 1.5)) * 100)}%` }} />
          <i style={{ left: `${(1 / 1.5) * 100}%` }} />
        </div>
      </div>
      <dl class="facts facts-2">
        <div><dt>Last batch</dt><dd class="mono small" title={props.s.last_batch ?? ''}>{props.s.last_batch ?? '—'}</dd></div>
        <div><dt>Received</dt><dd>{humanize(props.s.last_entity)}, {formatRelative(props.s.last_received_at, props.now, locale())}</dd></div>
        <div><dt>Batches</dt><dd>{formatNumber(props.s.batches, locale())}</dd></div>
        <div><dt>Rejected lines</dt><dd classList={{ overdue: props.s.rejected > 0 }} data-testid="rejected">{formatNumber(props.s.rejected, locale())}</dd></div>
        <div>
          <dt>Feed</dt>
          <dd data-testid="feed" title={props.s.connector ? `Pulls from the ${typeLabel(props.s.connector.type)} API` : 'The system sends its records to the ingest API'}>
            {props.s.connector ? `${typeLabel(props.s.connector.type)} API` : 'receives pushes'}
          </dd>
        </div>
      </dl>
      <Show when={props.s.connector}>
        <LastRunLine run={followedRun(props.s.system) ?? props.s.connector?.last_run ?? null} now={props.now} />
      </Show>
      <table class="table compact">
        <tbody>
          <For each={entities()} fallback={<tr><td class="muted">No records yet.</td></tr>}>
            {([e, c]) => (
              <tr title={c.deleted ? `${formatNumber(c.deleted, locale())} deleted (tombstones)` : undefined}>
                <td>{humanize(e)}</td>
                <td class="num">
                  {formatNumber(c.records, locale())}
                  <Show when={c.deleted}>
                    <span class="muted small"> −{formatNumber(c.deleted, locale())}</span>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </article>
  )
}

function DeadLetterRow(props: { d: DeadLetter; selected: boolean; onToggle: () => void; mayReplay: boolean; onReplayed: () => void }) {
  const [open, setOpen] = createSignal(false)
  const [raw, setRaw] = createSignal(props.d.raw)
  const [busy, setBusy] = createSignal(false)
  const doReplay = async () => {
    setBusy(true)
    try {
      const r = await replay([{ id: props.d.id, raw: raw() !== props.d.raw ? raw() : undefined }])
      r.replayed ? toast('Replayed 1 line') : toast('The line was rejected again: fix it and retry.', 'error', 7000)
      if (r.replayed) props.onReplayed()
    } catch (e) {
      toast(errorMessage(e), 'error', 7000)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <tr class="clickable" onClick={() => setOpen(!open())} data-testid="dead-letter">
        <td onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" checked={props.selected} onChange={() => props.onToggle()} disabled={props.d.status === 'replayed'} aria-label="Select" />
        </td>
        <td>
          <div class="cell-main">{props.d.system}</div>
          <div class="cell-sub">{humanize(props.d.entity)}</div>
        </td>
        <td class="mono small">{props.d.key ?? '—'}</td>
        <td class="reason">{props.d.errors.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}`).join('; ') || props.d.reason}</td>
        <td class="nowrap small">{formatDateTime(props.d.received_at, locale())}</td>
        <td><span class={`pill ${props.d.status === 'replayed' ? 'status-resolved' : 'status-acknowledged'}`}>{humanize(props.d.status)}</span></td>
      </tr>
      <Show when={open()}>
        <tr class="expand-row">
          <td colspan="6">
            <p class="muted small">Batch <span class="mono">{props.d.batch}</span>, line {props.d.line}. {props.d.last_replay_error ? `Last replay failed: ${props.d.last_replay_error}` : ''}</p>
            <textarea class="mono raw" rows="4" value={raw()} onInput={(e) => setRaw(e.currentTarget.value)} disabled={!props.mayReplay || props.d.status === 'replayed'} aria-label="Raw line" />
            <Show when={props.mayReplay && props.d.status !== 'replayed'}>
              <button class="btn btn-small btn-primary" disabled={busy()} onClick={doReplay} data-testid="replay-one">
                {raw() !== props.d.raw ? 'Replay fixed line' : 'Replay'}
              </button>
            </Show>
          </td>
        </tr>
      </Show>
    </>
  )
}

export default function Sources() {
  const [params, setParams] = useSearchParams<{ dl?: string; system?: string }>()
  const [now, setNow] = createSignal(Date.now())
  const tick = setInterval(() => setNow(Date.now()), 15_000)
  onCleanup(() => clearInterval(tick))
  const [list, { refetch: refetchList }] = createResource(() => sources(true))
  const refetch = () => (setNow(Date.now()), refetchList())
  const withConnector = () => (list()?.items ?? []).filter((s): s is SourceItem & { connector: ConnectorStatus } => s.connector !== null)
  const status = (): 'pending' | 'replayed' | 'all' => (params.dl === 'replayed' || params.dl === 'all' ? params.dl : 'pending')
  const [letters, { refetch: refetchLetters }] = createResource(() => ({ status: status(), system: params.system }), (q) => deadLetters({ ...q, limit: 200 }))
  const [selected, setSelected] = createSignal<Set<string>>(new Set())
  const mayReplay = () => canReplay(currentUser()?.role ?? 'executive')
  const toggle = (id: string) => {
    const s = new Set(selected())
    s.has(id) ? s.delete(id) : s.add(id)
    setSelected(s)
  }
  const replaySelected = async () => {
    try {
      const r = await replay([...selected()].map((id) => ({ id })))
      toast(`Replayed ${r.replayed}${r.failed ? ` · ${r.failed} rejected again` : ''}`, r.failed ? 'info' : 'ok')
      setSelected(new Set<string>())
      void refetchLetters()
      void refetch()
    } catch (e) {
      toast(errorMessage(e), 'error', 7000)
    }
  }

  return (
    <div class="page sources" data-testid="sources">
      <header class="page-head">
        <div>
          <h1>Sources</h1>
          <p class="muted">Freshness SLA {SLA_HOURS} h · what each system sent and what was rejected</p>
        </div>
        <button class="btn" onClick={() => (refetch(), refetchLetters())}>
          <Icon name="refresh" size={16} /> Refresh
        </button>
      </header>
      <Show when={!list.error} fallback={<ErrorNote error={list.error} onRetry={refetch} />}>
        <Show when={list()} fallback={<div class="source-grid"><Skeleton lines={6} height={30} /></div>}>
          <div class="source-grid">
            <For each={list()!.items} fallback={<EmptyState title="No sources configured">Add sources to the config file; each gets an ingest token.</EmptyState>}>
              {(s) => <SourceCard s={s} now={now()} />}
            </For>
          </div>
          {/* By position, not identity: a refetched list keeps each section (and its runs) in place. */}
          <Index each={withConnector()}>{(s) => <ConnectorSection s={s()} now={now()} mayPull={isAdmin(currentUser()?.role ?? 'executive')} onChanged={() => void refetch()} />}</Index>
        </Show>
      </Show>

      <section class="card">
        <header class="card-head">
          <div>
            <h2>Rejected lines</h2>
            <p class="muted small">Lines that failed validation, kept with their raw text. Fix a line and replay it; nothing that was accepted is lost.</p>
          </div>
          <div class="card-actions">
            <select value={status()} onChange={(e) => setParams({ dl: e.currentTarget.value === 'pending' ? undefined : e.currentTarget.value })} data-testid="dl-status" aria-label="Status">
              <option value="pending">Pending</option>
              <option value="replayed">Replayed</option>
              <option value="all">All</option>
            </select>
            <select value={params.system ?? ''} onChange={(e) => setParams({ system: e.currentTarget.value || undefined })} aria-label="System">
              <option value="">All systems</option>
              <For each={list()?.items ?? []}>{(s) => <option value={s.system}>{s.name}</option>}</For>
            </select>
            <Show when={mayReplay() && selected().size}>
              <button class="btn btn-primary btn-small" onClick={replaySelected} data-testid="replay-selected">
                Replay {selected().size}
              </button>
            </Show>
          </div>
        </header>
        <Show when={!letters.error} fallback={<ErrorNote error={letters.error} onRetry={refetchLetters} />}>
          <Show when={!letters.loading} fallback={<Skeleton lines={4} />}>
            <Show when={letters()?.items.length} fallback={<EmptyState title={status() === 'pending' ? 'No rejected lines waiting' : 'Nothing here'} testid="dl-empty">Every line the sources sent was accepted. Rejected lines appear here with the reason.</EmptyState>}>
              <div class="table-wrap">
                <table class="table">
                  <thead>
                    <tr><th /><th>Source</th><th>Key</th><th>Reason</th><th>Received</th><th>Status</th></tr>
                  </thead>
                  <tbody>
                    <For each={letters()!.items}>{(d) => <DeadLetterRow d={d} selected={selected().has(d.id)} onToggle={() => toggle(d.id)} mayReplay={mayReplay()} onReplayed={() => (refetchLetters(), refetch())} />}</For>
                  </tbody>
                </table>
              </div>
            </Show>
          </Show>
        </Show>
      </section>
    </div>
  )
}

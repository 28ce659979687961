// One exception: the systems' values side by side, what is at risk, who owns it, when it is
// due, its history and comments, and the related transactions with their span waterfall.
import { createResource, createSignal, For, Show } from 'solid-js'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import HistoryTimeline from '../../components/HistoryTimeline.tsx'
import Icon from '../../components/icons.tsx'
import { SeverityPill, StatusPill } from '../../components/pills.tsx'
import SideBySide from '../../components/SideBySide.tsx'
import SpanWaterfall from '../../components/SpanWaterfall.tsx'
import type { ExceptionDetail as Detail, TransactionItem } from '../../lib/endpoints.ts'
import { exceptionDetail, transactionDetail } from '../../lib/endpoints.ts'
import { formatDateTime, formatDuration, formatMoneyWithReporting, formatRelative, humanize } from '../../lib/format.ts'
import { canTriage } from '../../lib/permissions.ts'
import { locale } from '../../lib/prefs.ts'
import { ruleInfo, ruleTitle } from '../../lib/rules.ts'
import { currentUser } from '../../lib/session.ts'
import { snoozeLabel } from '../../lib/snooze.ts'
import { perform, type DialogRequest } from './triage.tsx'

function RelatedTransaction(props: { t: TransactionItem }) {
  const [open, setOpen] = createSignal(false)
  const [detail] = createResource(() => (open() ? props.t.trace_id : null), transactionDetail)
  return (
    <li class="related-tx" data-testid="related-transaction">
      <button class="tx-head" onClick={() => setOpen(!open())} aria-expanded={open()}>
        <span class={`dot-status ${props.t.status}`} />
        <span class="cell-main">{humanize(props.t.workflow)}</span>
        <span class="muted small">
          {formatDateTime(props.t.started_at, locale())} · {formatDuration(props.t.duration_ms)}
        </span>
        <Show when={props.t.failed_step}>
          <span class="tx-fail small">failed at {props.t.failed_step}</span>
        </Show>
      </button>
      <Show when={open()}>
        <Show when={!detail.error} fallback={<ErrorNote error={detail.error} />}>
          <Show when={detail()} fallback={<Skeleton lines={3} />}>
            {(d) => <SpanWaterfall spans={d().spans} />}
          </Show>
        </Show>
      </Show>
    </li>
  )
}

export default function ExceptionDetailPanel(props: { id: string; version: number; onClose: () => void; onChanged: (d: Detail) => void; onDialog: (r: DialogRequest) => void }) {
  const [data, { refetch }] = createResource(() => [props.id, props.version] as const, ([id]) => exceptionDetail(id))
  const [comment, setComment] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const may = () => {
    const d = data()
    const u = currentUser()
    return Boolean(d && u && canTriage(u.role, d.rule))
  }
  const act = async (action: 'acknowledge' | 'reopen' | 'unsnooze') => {
    setBusy(true)
    if (await perform([props.id], action)) {
      const d = await refetch()
      if (d) props.onChanged(d)
    }
    setBusy(false)
  }
  const sendComment = async (e: SubmitEvent) => {
    e.preventDefault()
    if (!comment().trim()) return
    setBusy(true)
    if (await perform([props.id], 'comment', { note: comment().trim() })) {
      setComment('')
      await refetch()
    }
    setBusy(false)
  }

  return (
    <aside class="detail" data-testid="detail" aria-label="Exception detail">
      <Show when={!data.error} fallback={<div class="detail-body"><ErrorNote error={data.error} onRetry={refetch} /></div>}>
        <Show when={data()} fallback={<div class="detail-body"><Skeleton lines={8} height={16} /></div>}>
          {(d) => (
            <>
              <DetailHead detail={d()} onClose={props.onClose} />
              <div class="detail-body">
                <DetailFacts detail={d()} />
                <DetailActions status={d().status} snoozed={Boolean(d().snoozed_until)} may={may()} busy={busy()} onAct={act} onDialog={(action) => props.onDialog({ action, ids: [props.id] })} />
                <Show when={!may()}>
                  <p class="muted small">Your role can read this exception; {ruleInfo(d().rule)?.finance ? 'finance' : 'delivery ops'} triages it.</p>
                </Show>

                <section>
                  <h3 class="section-title">Values by system</h3>
                  <SideBySide details={d().details} />
                </section>

                <section>
                  <h3 class="section-title">History</h3>
                  <HistoryTimeline events={d().history} locale={locale()} now={Date.now()} />
                  <form class="comment-form" onSubmit={sendComment}>
                    <textarea rows="2" placeholder="Add a comment…" value={comment()} onInput={(e) => setComment(e.currentTarget.value)} disabled={!may()} data-testid="comment-input" />
                    <button class="btn btn-small" type="submit" disabled={!may() || busy() || !comment().trim()} data-testid="comment-submit">
                      Comment
                    </button>
                  </form>
                </section>

                <section>
                  <h3 class="section-title">Related transactions</h3>
                  <Show when={d().transactions.length} fallback={<p class="muted small">No integration transaction touched {d().entity_key}.</p>}>
                    <ul class="related-list">
                      <For each={d().transactions}>{(t) => <RelatedTransaction t={t} />}</For>
                    </ul>
                  </Show>
                </section>
              </div>
            </>
          )}
        </Show>
      </Show>
    </aside>
  )
}

function DetailHead(props: { detail: Detail; onClose: () => void }) {
  return (
    <header class="detail-head">
      <div class="detail-title">
        <div class="detail-pills">
          <SeverityPill severity={props.detail.severity} />
          <StatusPill status={props.detail.status} resolution={props.detail.resolution} />
          <span class="tag">{humanize(props.detail.entity_type)}</span>
          <Show when={props.detail.snoozed_until}>
            {(until) => (
              <span class="pill status-snoozed" data-testid="snoozed-badge" title="It comes back then, or sooner if its amount at risk grows">
                Snoozed until {snoozeLabel(until(), locale())}
              </span>
            )}
          </Show>
        </div>
        <h2 data-testid="detail-title">{ruleTitle(props.detail.rule)}</h2>
        <div class="mono muted" data-testid="detail-key">
          {props.detail.entity_key}
        </div>
      </div>
      <button class="icon-btn" onClick={() => props.onClose()} aria-label="Close detail" data-testid="detail-close">
        <Icon name="close" />
      </button>
    </header>
  )
}

function DetailFacts(props: { detail: Detail }) {
  const d = () => props.detail
  const amount = () => formatMoneyWithReporting(d().amount_at_risk, d().currency, d().amount_at_risk_reporting, d().reporting_currency, locale())
  return (
    <dl class="facts">
      <div>
        <dt>At risk</dt>
        <dd class="fact-big" data-testid="detail-amount">
          {props.detail.amount_at_risk ? amount().native : '—'}
        </dd>
        <Show when={props.detail.amount_at_risk && amount().reporting}>
          <dd class="muted small" data-testid="detail-amount-reporting">{amount().reporting} in {props.detail.reporting_currency}</dd>
        </Show>
      </div>
      <div>
        <dt>Owner</dt>
        <dd data-testid="detail-owner">{props.detail.owner}</dd>
      </div>
      <div>
        <dt>Due</dt>
        <dd classList={{ overdue: props.detail.overdue && props.detail.status !== 'resolved' }} title={formatDateTime(props.detail.due_at, locale())}>
          {props.detail.status === 'resolved' ? 'resolved' : formatRelative(props.detail.due_at, Date.now(), locale())}
        </dd>
      </div>
      <div>
        <dt>Systems</dt>
        <dd>{props.detail.systems.join(', ')}</dd>
      </div>
      <div>
        <dt>First detected</dt>
        <dd>{formatDateTime(props.detail.first_detected_at, locale())}</dd>
      </div>
      <Show when={props.detail.practice || props.detail.region}>
        <div>
          <dt>Practice · region</dt>
          <dd>{[props.detail.practice, props.detail.region].filter(Boolean).join(' · ')}</dd>
        </div>
      </Show>
    </dl>
  )
}

/** Triage from the panel: acknowledge, resolve, assign or snooze while open; reopen once resolved. */
function DetailActions(props: {
  status: Detail['status']
  snoozed: boolean
  may: boolean
  busy: boolean
  onAct: (a: 'acknowledge' | 'reopen' | 'unsnooze') => void
  onDialog: (a: 'resolve' | 'assign' | 'snooze') => void
}) {
  return (
    <div class="detail-actions">
      <Show
        when={props.status !== 'resolved'}
        fallback={
          <button class="btn" disabled={!props.may || props.busy} onClick={() => props.onAct('reopen')} data-testid="action-reopen">
            Reopen
          </button>
        }
      >
        <button class="btn" disabled={!props.may || props.busy || props.status !== 'open'} onClick={() => props.onAct('acknowledge')} data-testid="action-acknowledge" title="Acknowledge (a)">
          Acknowledge <kbd>a</kbd>
        </button>
        <button class="btn btn-primary" disabled={!props.may || props.busy} onClick={() => props.onDialog('resolve')} data-testid="action-resolve" title="Resolve (r)">
          Resolve… <kbd>r</kbd>
        </button>
        <button class="btn" disabled={!props.may || props.busy} onClick={() => props.onDialog('assign')} data-testid="action-assign">
          Assign…
        </button>
        <Show
          when={props.snoozed}
          fallback={
            <button class="btn" disabled={!props.may || props.busy} onClick={() => props.onDialog('snooze')} data-testid="action-snooze">
              Snooze…
            </button>
          }
        >
          <button class="btn" disabled={!props.may || props.busy} onClick={() => props.onAct('unsnooze')} data-testid="action-unsnooze">
            Unsnooze
          </button>
        </Show>
      </Show>
    </div>
  )
}

// One source's connector on the Sources page: its type, schedule and next run, its last runs
// and, for admins, "Pull now" (incremental) and "Full listing", which start a pull and follow
// it to its end (web/lib/pulls.ts). Other roles see the last run only (runs are admin-only).
import { createEffect, createResource, For, on, Show } from 'solid-js'
import type { ConnectorRun, ConnectorStatus, PullMode, SourceItem } from '../lib/endpoints.ts'
import { connectors } from '../lib/endpoints.ts'
import { formatDateTime, formatRelative } from '../lib/format.ts'
import { locale } from '../lib/prefs.ts'
import { follow, followedRun, isFollowing, pullNow } from '../lib/pulls.ts'
import { ErrorNote, Skeleton } from './feedback.tsx'
import { CardHead } from './ListCard.tsx'
import { modeLabel, RunsTable, scheduleText, typeLabel } from './ConnectorRuns.tsx'

const RUNS_SHOWN = 8

/** The followed run in place of its stored row (or first, if the list has not caught up). Pure. */
export function withLive(runs: ConnectorRun[], live: ConnectorRun | undefined): ConnectorRun[] {
  if (!live) return runs
  return runs.some((r) => r.run_id === live.run_id) ? runs.map((r) => (r.run_id === live.run_id ? live : r)) : [live, ...runs].slice(0, RUNS_SHOWN)
}

function NextRun(props: { c: ConnectorStatus; now: number }) {
  return (
    <Show when={props.c.next_run_at}>
      {(at) => (
        <span data-testid="next-run">
          {' · '}next: {modeLabel(props.c.next_mode ?? 'incremental').toLowerCase()} {formatRelative(at(), props.now, locale())}{' '}
          <span class="muted">({formatDateTime(at(), locale())})</span>
        </span>
      )}
    </Show>
  )
}

export default function ConnectorSection(props: { s: SourceItem & { connector: ConnectorStatus }; now: number; mayPull: boolean; onChanged: () => void }) {
  const system = () => props.s.system
  const [runs, { refetch }] = createResource(
    () => (props.mayPull ? system() : false),
    (sys) => connectors.runs(sys, RUNS_SHOWN),
  )
  const shown = () => {
    const live = followedRun(system())
    if (props.mayPull) return withLive(runs()?.items ?? [], live)
    const last = live ?? props.s.connector.last_run
    return last ? [last] : []
  }
  const ended = () => {
    void refetch()
    props.onChanged()
  }
  const start = async (mode: PullMode) => {
    const pulled = pullNow(system(), mode, props.s.name, locale())
    // The run is recorded before the server answers: list it while it goes on.
    setTimeout(() => void refetch(), 300)
    if (await pulled) ended()
  }
  // A pull already going on when the page opens (a schedule's, the CLI's): follow it too.
  createEffect(
    on(
      () => props.s.connector.last_run,
      (last) => {
        if (props.mayPull && last?.status === 'running' && !isFollowing(system())) void follow(system(), last.run_id, props.s.name, locale()).then((r) => r && ended())
      },
    ),
  )
  return (
    <section class="card connector" data-testid="connector" data-system={system()}>
      <CardHead
        title={`${props.s.name} connector`}
        note={
          <>
            <span data-testid="schedule">Pulls from the {typeLabel(props.s.connector.type)} API {scheduleText(props.s.connector)}</span>
            <NextRun c={props.s.connector} now={props.now} />
          </>
        }
      >
        <Show when={props.mayPull}>
          <div class="card-actions">
            <For each={[['incremental', 'Pull now', 'btn-primary'], ['full', 'Full listing', '']] as const}>
              {([mode, label, cls]) => (
                <button
                  class={`btn btn-small ${cls}`}
                  disabled={isFollowing(system())}
                  onClick={() => void start(mode)}
                  data-testid={mode === 'full' ? 'pull-full' : 'pull-now'}
                  title={mode === 'full' ? 'Read everything; records the system no longer has are deleted when the listing ends.' : 'Read what changed since the last pull.'}
                >
                  {label}
                </button>
              )}
            </For>
          </div>
        </Show>
      </CardHead>
      <Show when={!runs.error} fallback={<ErrorNote error={runs.error} onRetry={refetch} />}>
        <Show when={!props.mayPull || runs.latest} fallback={<Skeleton lines={2} />}>
          <RunsTable runs={shown()} now={props.now} />
        </Show>
      </Show>
    </section>
  )
}

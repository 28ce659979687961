// Connector pulls started from the dashboard (admin): POST a pull, then follow its run until it
// ends, keeping the latest state of every followed run (for progress: pages, records), and tell
// the outcome in a toast. Followed runs live here, not in a page, so leaving the Sources page
// and coming back finds a pull still in progress.
import { createSignal } from 'solid-js'
import { ApiError, errorMessage } from './api.ts'
import { connectors, type ConnectorRun, type PullMode } from './endpoints.ts'
import { formatNumber, humanize } from './format.ts'
import { toast } from './toast.ts'

const POLL_MS = 1000
/** Consecutive failed polls before giving up on following a run (the run goes on). */
const MAX_MISSES = 5

const [following, setFollowing] = createSignal<Record<string, ConnectorRun>>({})
/** Systems with a pull being started or followed (buttons wait). */
const [busy, setBusy] = createSignal<ReadonlySet<string>>(new Set())
const mark = (system: string, on: boolean) =>
  setBusy((b) => {
    const next = new Set(b)
    on ? next.add(system) : next.delete(system)
    return next
  })

/** The run being followed for `system`, with its progress so far; undefined when none. */
export const followedRun = (system: string): ConnectorRun | undefined => following()[system]

const put = (system: string, run: ConnectorRun | undefined) =>
  setFollowing((f) => {
    const { [system]: _old, ...rest } = f
    return run ? { ...rest, [system]: run } : rest
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The outcome in words, e.g. "Workday: pulled 60 records in 1 page." Pure. */
export function outcome(name: string, run: ConnectorRun, locale = 'en-US'): { text: string; kind: 'ok' | 'error' | 'info' } {
  const n = (v: number, one: string) => `${formatNumber(v, locale)} ${one}${v === 1 ? '' : 's'}`
  const what = `${n(run.records, 'record')} in ${n(run.pages, 'page')}${run.rejected ? `, ${formatNumber(run.rejected, locale)} rejected` : ''}`
  const mode = run.mode === 'full' ? 'full listing' : 'pull'
  if (run.status === 'failed') return { text: `${name}: the ${mode} failed after ${what}. ${run.error ?? ''}`.trim(), kind: 'error' }
  if (run.error) return { text: `${name}: the ${mode} stopped early after ${what}. ${run.error}`, kind: 'info' }
  return { text: `${name}: ${humanize(mode)} done, ${what}.`, kind: run.rejected ? 'info' : 'ok' }
}

/** Follows a run until it ends (polling it); answers its last state, or null if it could not be read. */
export async function follow(system: string, runId: string, name: string, locale?: string): Promise<ConnectorRun | null> {
  mark(system, true)
  try {
    return await poll(system, runId, name, locale)
  } finally {
    mark(system, false)
  }
}

async function poll(system: string, runId: string, name: string, locale?: string): Promise<ConnectorRun | null> {
  let misses = 0
  for (;;) {
    try {
      const run = await connectors.run(system, runId)
      misses = 0
      put(system, run)
      if (run.status !== 'running') {
        put(system, undefined)
        const o = outcome(name, run, locale)
        toast(o.text, o.kind, o.kind === 'ok' ? 5000 : 9000)
        return run
      }
    } catch (e) {
      const gone = e instanceof ApiError && (e.status === 403 || e.status === 404)
      if (gone || ++misses >= MAX_MISSES) {
        put(system, undefined)
        toast(`${name}: cannot follow the pull (${errorMessage(e)}) It goes on on the server; refresh to see it.`, 'error', 9000)
        return null
      }
    }
    await sleep(POLL_MS)
  }
}

/** Starts a pull now and follows it; null when it could not start (the error is toasted). */
export async function pullNow(system: string, mode: PullMode, name: string, locale?: string): Promise<ConnectorRun | null> {
  let runId: string
  mark(system, true)
  try {
    runId = (await connectors.pull(system, mode)).run_id
  } catch (e) {
    mark(system, false)
    toast(`${name}: ${errorMessage(e)}`, 'error', 9000)
    return null
  }
  return follow(system, runId, name, locale)
}

/** Whether a run of `system` is being followed now. */
export const isFollowing = (system: string) => busy().has(system)

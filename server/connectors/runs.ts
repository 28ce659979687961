// Connector runs and cursors in the engine (migration 0013). A run is written when it starts and
// again when it ends; a cursor only after the batch holding its page has committed, so a crash
// mid-pull re-reads from the last committed page (its batch ids make the re-read a duplicate).
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso, toChDateTime } from '../lib/time.ts'

export type RunMode = 'incremental' | 'full'
export type RunStatus = 'running' | 'ok' | 'failed'

export interface Run {
  run_id: string
  system: string
  mode: RunMode
  trigger: string
  status: RunStatus
  started_at: string
  ended_at: string | null
  pages: number
  records: number
  rejected: number
  /** The saved cursor per entity when the run ended. */
  cursor: Record<string, unknown>
  error: string | null
}

interface RunRow {
  run_id: string
  system?: string
  mode: RunMode
  trigger: string
  status: RunStatus
  started_at: string
  ended_at: string | null
  pages: string
  records: string
  rejected: string
  cursor: string
  error: string
}

export function newRun(system: string, mode: RunMode, trigger: string, now: Date): Run {
  return { run_id: crypto.randomUUID(), system, mode, trigger, status: 'running', started_at: now.toISOString(), ended_at: null, pages: 0, records: 0, rejected: 0, cursor: {}, error: null }
}

export async function saveRun(db: Db, run: Run, now: Date): Promise<void> {
  await insertRows(db, 'connector_runs', [
    {
      run_id: run.run_id,
      system: run.system,
      mode: run.mode,
      trigger: run.trigger,
      status: run.status,
      started_at: toChDateTime(new Date(run.started_at)),
      ended_at: run.ended_at ? toChDateTime(new Date(run.ended_at)) : null,
      pages: run.pages,
      records: run.records,
      rejected: run.rejected,
      cursor: JSON.stringify(run.cursor),
      error: run.error ?? '',
      updated_at: toChDateTime(now),
    },
  ])
}

const toRun = (system: string) => (r: RunRow): Run => ({
  run_id: r.run_id,
  system: r.system ?? system,
  mode: r.mode,
  trigger: r.trigger,
  status: r.status,
  started_at: chToIso(r.started_at)!,
  ended_at: chToIso(r.ended_at),
  pages: Number(r.pages),
  records: Number(r.records),
  rejected: Number(r.rejected),
  cursor: r.cursor ? (JSON.parse(r.cursor) as Record<string, unknown>) : {},
  error: r.error || null,
})

export async function listRuns(db: Db, system: string, limit = 50, runId = ''): Promise<Run[]> {
  const rows = await queryRows<RunRow>(db, 'connectors.runs', sqlFile('connectors/runs.sql'), { system, run_id: runId, limit })
  return rows.map(toRun(system))
}

/** Runs left `running` by a crash or a stop: the caller marks them failed at start. */
export async function unfinishedRuns(db: Db): Promise<Run[]> {
  const rows = await queryRows<RunRow & { system: string }>(db, 'connectors.running', sqlFile('connectors/running.sql'))
  return rows.map((r) => toRun(r.system)({ ...r, status: 'running', ended_at: null, error: '' }))
}

export async function lastRuns(db: Db): Promise<Array<{ system: string; mode: RunMode; started_at: string; status: RunStatus }>> {
  const rows = await queryRows<{ system: string; mode: RunMode; last_started_at: string; status: RunStatus }>(db, 'connectors.last_runs', sqlFile('connectors/last_runs.sql'))
  return rows.map((r) => ({ system: r.system, mode: r.mode, status: r.status, started_at: chToIso(r.last_started_at)! }))
}

export async function loadState(db: Db, system: string): Promise<Map<string, unknown>> {
  const rows = await queryRows<{ entity: string; state: string }>(db, 'connectors.state', sqlFile('connectors/state.sql'), { system })
  return new Map(rows.map((r) => [r.entity, JSON.parse(r.state) as unknown]))
}

export async function saveState(db: Db, system: string, entity: string, state: unknown, runId: string, now: Date): Promise<void> {
  await insertRows(db, 'connector_state', [{ system, entity, state: JSON.stringify(state), run_id: runId, saved_at: toChDateTime(now) }])
}

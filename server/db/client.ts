// The one storage path: every query goes through @clickhouse/client, on the embedded chDB engine
// (default, an on-disk data dir) or on a ClickHouse server when CLICKHOUSE_URL is set.
import fs from 'node:fs'
import path from 'node:path'
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client'
import { StartupError } from '../lib/errors.ts'
import { privateDataDir } from '../ops/data-dir.ts'
import { gateWrites, type WriteGate } from '../ops/write-gate.ts'

export type Engine = 'chdb' | 'clickhouse'

export interface Db {
  engine: Engine
  client: ClickHouseClient
  /** Scratch space for bulk loads on the embedded engine (inside the data dir). */
  scratchDir?: string
  /** The embedded engine's data dir, which this process owns while it runs. */
  dataDir?: string
  /** Pauses this process's writes (a backup is one instant: server/ops/backup.ts). */
  writes?: WriteGate
  close(): Promise<void>
}

export interface DbOptions {
  dataDir: string
  url?: string
  user?: string
  password?: string
  database?: string
  /** Where BACKUP and RESTORE may read and write on the embedded engine (server/ops/backup.ts). */
  backupDir?: string
  log?: (line: string) => void
}

// Decimals leave ClickHouse as strings so money stays exact in JS; 64-bit integers too.
// https://clickhouse.com/docs/operations/settings/formats#output_format_json_quote_decimals
const SETTINGS: ClickHouseSettings = {
  output_format_json_quote_decimals: 1,
  output_format_json_quote_64bit_integers: 1,
  // Parameterized views and CTEs referencing them are needed by every rule and KPI.
  allow_experimental_analyzer: 1,
}

/**
 * The embedded engine applies each query's settings with SET on its one session, where they
 * stay for every later query (join_use_nulls from one query changed the next one's LEFT JOINs;
 * max_threads 1 from an export slowed everything after it). So every query there carries each
 * setting any query of ours changes, at its default unless the query says otherwise. A
 * ClickHouse server applies settings per query already.
 */
const EMBEDDED_DEFAULTS: ClickHouseSettings = {
  join_use_nulls: 0,
  max_threads: 0,
  input_format_parallel_parsing: 1,
  compile_expressions: 1,
  compile_aggregate_expressions: 1,
  compile_sort_description: 1,
  optimize_aggregation_in_order: 0,
  insert_deduplication_token: '',
  max_partitions_per_insert_block: '100',
  max_block_size: '65409',
  max_insert_block_size: '1048449',
  min_insert_block_size_rows: '1048449',
  min_insert_block_size_bytes: '268402944',
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.url) {
    const client = createClient({
      url: opts.url,
      username: opts.user ?? 'default',
      password: opts.password ?? '',
      database: opts.database ?? 'default',
      // Progress headers keep a long query's connection busy, so a load balancer's idle timeout
      // does not cut it (the client's advice for request_timeout above a few minutes).
      clickhouse_settings: { ...SETTINGS, send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '110000' },
      request_timeout: 300_000,
    })
    try {
      await client.ping({ select: true })
    } catch {
      throw new StartupError(`Cannot reach ClickHouse at ${redactUrl(opts.url)}; check CLICKHOUSE_URL and that the server is up.`)
    }
    return { engine: 'clickhouse', client, writes: gateWrites(client), close: () => client.close() }
  }
  const dir = path.resolve(opts.dataDir)
  try {
    const fixed = privateDataDir(dir)
    if (fixed) (opts.log ?? console.error)(`made ${fixed} entries of the data directory ${dir} private to its owner (0700/0600)`)
  } catch (e) {
    throw new StartupError(`Cannot create the data directory ${dir}: ${(e as Error).message}.`)
  }
  // Checked before the engine opens: on a locked directory the engine prints its own exception
  // to stderr and throws a bare "Failed to create connection".
  const inUse = () =>
    new StartupError(`The data directory ${dir} is in use by another Crosswalk process; stop it, or pass --data with another directory.`)
  if (lockHolder(dir) !== null) throw inUse()
  const { createChdbConnection } = await import('chdb/connection')
  let connection
  let holder: { close(): void } | undefined
  try {
    // The engine takes server settings only from the first connection to a data dir, which
    // chdb/connection cannot pass: a Session opened first, with them, holds the engine.
    if (opts.backupDir) holder = await engineWithBackups(dir, opts.backupDir)
    connection = createChdbConnection({ path: dir })
  } catch (e) {
    holder?.close()
    const text = `${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? '')}`
    if (/lock|another server instance/i.test(text) || lockHolder(dir) !== null) throw inUse()
    throw new StartupError(`Cannot open the embedded ClickHouse engine on ${dir}: ${(e as Error).message}.`)
  }
  const client = createClient({ connection, clickhouse_settings: { ...EMBEDDED_DEFAULTS, ...SETTINGS } } as Parameters<typeof createClient>[0])
  const scratchDir = path.join(dir, 'scratch')
  fs.rmSync(scratchDir, { recursive: true, force: true })
  fs.mkdirSync(scratchDir, { recursive: true })
  const close = async () => {
    await client.close()
    holder?.close()
  }
  return { engine: 'chdb', client, writes: gateWrites(client), scratchDir, dataDir: dir, close }
}

/** A chDB Session on `dir` whose engine may BACKUP to and RESTORE from `backupDir`. */
async function engineWithBackups(dir: string, backupDir: string): Promise<{ close(): void }> {
  const { Session } = (await import('chdb')) as unknown as { Session: new (path: string, opts: { connectionArgs: string[] }) => { close(): void } }
  return new Session(dir, { connectionArgs: [`--backups.allowed_path=${path.resolve(backupDir)}`] })
}

/**
 * The pid of another live process holding the engine's lock on `dir`, or null. The engine keeps
 * `status` (first line `PID: n`) open and locked while it runs and removes it on close; after a
 * crash it stays behind with a dead, or reused, pid.
 */
function lockHolder(dir: string): number | null {
  const file = path.join(dir, 'status')
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1])
  if (!pid || pid === process.pid) return null
  try {
    process.kill(pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return null
  }
  let fds: string[]
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`)
  } catch {
    return pid // no /proc (or not ours to read): a live pid is all there is to go on
  }
  const holds = fds.some((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file
    } catch {
      return false
    }
  })
  return holds ? pid : null
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    u.password = ''
    u.username = ''
    return u.toString()
  } catch {
    return 'the configured URL'
  }
}

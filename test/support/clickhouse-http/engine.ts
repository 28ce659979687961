// The embedded engine behind the HTTP server: one chDB Session owns the data dir for the life of
// the process, and every request runs on a native connection of its own at that path.
//
// Why a connection per request: chDB keeps SET settings and the current database per
// connection (checked: a SET on one connection is not seen by another), so a fresh connection
// gives each request the fresh query context clickhouse-server gives it, with its URL settings
// and nothing left over from earlier requests. Creating one costs about a millisecond.
//
// Why the native functions rather than Session.queryBindAsync: the `param_*` values arrive
// already in ClickHouse's text form (clickhouse-js formatQueryParams escapes them), and the
// server hands them to the engine as they are. chDB's JS layer would escape top-level strings
// again (formatParamValue → tsvEscape) and cannot pass an Array literal through; the native
// QueryAsyncConnection / StreamQuery take the `{name: text}` map exactly as chdb_query_with_params
// does. chDB documents (index.js, runExclusiveParam) that parameterized queries on different
// connections clobber each other when they overlap, so binding runs one at a time here too.
import { createRequire } from 'node:module'
import path from 'node:path'
import { ChError } from './protocol.ts'

interface NativeResult {
  bytes: Uint8Array
  elapsed: number
  rowsRead: number
  bytesRead: number
}
interface NativeInsert {
  elapsed: number
  rowsWritten: number
  bytesWritten: number
}
interface NativeChunk {
  bytes: Uint8Array
  numRows: number
  done: boolean
}
type Conn = { readonly __conn: unique symbol }
type Handle = { readonly __stream: unique symbol }
/** The chdb_node addon (the same module chdb's own index.js loads through dist/loader.js). */
interface Native {
  CreateConnection(path: string): Conn
  CloseConnection(conn: Conn): void
  QueryAsyncConnection(conn: Conn, sql: string, format: string, params?: Record<string, string>): Promise<NativeResult>
  InsertRawAsyncConnection(conn: Conn, prefix: string, data: Buffer, countLines: boolean): Promise<NativeInsert>
  StreamQuery(conn: Conn, sql: string, format: string, params?: Record<string, string>): Handle
  StreamFetch(handle: Handle): Promise<NativeChunk>
  StreamCancel(handle: Handle): void
}
interface ChdbModule {
  Session: new (path: string) => { close(): void }
}

export interface Stats {
  rowsRead: number
  bytesRead: number
  rowsWritten: number
  bytesWritten: number
  elapsed: number
}

export interface Cursor {
  /** The next chunk of formatted output, or null at the end. */
  next(): Promise<{ bytes: Buffer; rows: number } | null>
  /** Stops the query early (waits for a fetch under way first, as chDB requires). */
  cancel(): Promise<void>
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

export class Engine {
  private binding: Promise<unknown> = Promise.resolve()
  private readonly pending = new Set<Promise<unknown>>()
  version = ''
  timezone = 'UTC'

  private constructor(
    private readonly native: Native,
    private readonly session: { close(): void },
    readonly dataDir: string,
  ) {}

  static async open(dataDir: string): Promise<Engine> {
    const require = createRequire(import.meta.url)
    const chdb = require('chdb') as ChdbModule
    const loader = require(path.join(path.dirname(require.resolve('chdb')), 'dist', 'loader.js')) as { loadNative(): Native }
    const dir = path.resolve(dataDir)
    const engine = new Engine(loader.loadNative(), new chdb.Session(dir), dir)
    const work = engine.work()
    try {
      const r = await work.query('SELECT version(), timezone()', {}, 'TabSeparated')
      ;[engine.version, engine.timezone] = r.bytes.toString('utf8').trim().split('\t')
    } catch (e) {
      work.close()
      await engine.close()
      throw e
    }
    work.close()
    return engine
  }

  work(): Work {
    return new Work(this, this.native, this.native.CreateConnection(this.dataDir))
  }

  /** Keeps count of a native call, so close() never tears the engine down under it. */
  track<T>(p: Promise<T>): Promise<T> {
    const done = p.then(
      () => {},
      () => {},
    )
    this.pending.add(done)
    void done.then(() => this.pending.delete(done))
    return p.catch((e: unknown) => {
      throw ChError.from(e)
    })
  }

  /** Runs `fn` (which binds parameters) after every earlier binding has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.binding.then(fn)
    this.binding = run.catch(() => {})
    return run
  }

  async close(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    this.session.close()
  }
}

export class Work {
  private closed = false

  constructor(
    private readonly engine: Engine,
    private readonly native: Native,
    private readonly conn: Conn,
  ) {}

  /** The request's context: readonly for GET, its URL settings, its database. */
  async prepare(settings: Array<[string, string]>, database: string | undefined, readonly: boolean): Promise<void> {
    for (const [name] of settings) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ChError(115, 'UNKNOWN_SETTING', `Unknown setting '${name}'`)
    // First on its own, so the URL's settings are checked against it (a GET cannot undo it).
    if (readonly) await this.query('SET readonly = 2', {}, 'TabSeparated')
    // URL values are text; a quoted literal is parsed by each setting's own type, as the server
    // parses URL values (SettingsChanges from strings).
    if (settings.length > 0) await this.query(`SET ${settings.map(([k, v]) => `${k} = ${quote(v)}`).join(', ')}`, {}, 'TabSeparated')
    if (database && database !== 'default') await this.query(`USE \`${database.replace(/`/g, '``')}\``, {}, 'TabSeparated')
  }

  async query(sql: string, params: Record<string, string>, format: string): Promise<Stats & { bytes: Buffer }> {
    const bound = Object.keys(params).length > 0
    const r = await this.engine.track(
      bound
        ? this.engine.exclusive(() => this.native.QueryAsyncConnection(this.conn, sql, format, params))
        : this.native.QueryAsyncConnection(this.conn, sql, format),
    )
    return { bytes: asBuffer(r.bytes), rowsRead: r.rowsRead, bytesRead: r.bytesRead, rowsWritten: 0, bytesWritten: 0, elapsed: r.elapsed }
  }

  /** `INSERT … FORMAT X` with its data as bytes: chDB's raw insert, parsed by the engine. */
  async insert(prefix: string, data: Buffer): Promise<Stats> {
    const r = await this.engine.track(this.native.InsertRawAsyncConnection(this.conn, prefix, data, false))
    return { rowsRead: r.rowsWritten, bytesRead: r.bytesWritten, rowsWritten: r.rowsWritten, bytesWritten: r.bytesWritten, elapsed: r.elapsed }
  }

  /** A streamed SELECT. Parameters are bound inside StreamQuery itself (checked), so the binding
   *  turn ends as soon as the stream has started. */
  async stream(sql: string, params: Record<string, string>, format: string): Promise<Cursor> {
    const start = async () => {
      try {
        return Object.keys(params).length
          ? this.native.StreamQuery(this.conn, sql, format, params)
          : this.native.StreamQuery(this.conn, sql, format)
      } catch (e) {
        throw ChError.from(e)
      }
    }
    const handle = await (Object.keys(params).length ? this.engine.exclusive(start) : start())
    let finished = false // the engine has released the stream itself: at its end or on an error
    let stopped = false
    let inflight: Promise<unknown> | null = null
    return {
      next: async () => {
        if (finished || stopped) return null
        const fetch = this.engine.track(this.native.StreamFetch(handle))
        inflight = fetch
        try {
          const c = await fetch
          finished = c.done
          return c.done ? null : { bytes: asBuffer(c.bytes), rows: c.numRows }
        } catch (e) {
          finished = true
          throw e
        } finally {
          inflight = null
        }
      },
      cancel: async () => {
        if (finished || stopped) return
        stopped = true
        await inflight?.catch(() => {})
        if (!finished) this.native.StreamCancel(handle) // never on a handle the engine has freed
      },
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.native.CloseConnection(this.conn)
  }
}

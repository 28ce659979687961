// Starts Crosswalk: storage, migrations, config, HTTP. Used by the CLI and by tests.
import fs from 'node:fs'
import path from 'node:path'
import { serve as serveHttp, type ServerType } from '@hono/node-server'
import { openDb, type Db } from './db/client.ts'
import { migrate } from './db/migrate.ts'
import { loadConfig } from './config/load.ts'
import type { Config } from './config/schema.ts'
import { TokenStore, newToken, sha256Hex } from './auth/tokens.ts'
import { buildApp } from './app.ts'
import { VERSION } from './version.ts'
import { StartupError } from './lib/errors.ts'
import type { Services } from './context.ts'
import { staticWeb } from './web.ts'
import { Detector } from './exceptions/detector.ts'
import { loadSettings } from './config/settings.ts'
import { Notifier } from './notify/webhooks.ts'
import { DigestScheduler } from './notify/digest/scheduler.ts'
import { AccessStore } from './auth/store.ts'
import { RateLimiter } from './auth/rate-limit.ts'
import { closeSpans, openSpans } from './traces/store.ts'
import { systemClock, type Clock } from './lib/clock.ts'
import { openDerived } from './derived/index.ts'
import { ReadCache } from './read/cache.ts'
import { onCommit } from './ingest/batches.ts'
import { queryRows } from './db/query.ts'
import { sqlFile } from './db/sql-files.ts'
import { Connectors } from './connectors/service.ts'
import { startUncommittedCleanup } from './ingest/uncommitted.ts'
import { RetentionJob } from './ops/retention.ts'
import { backupRoot } from './ops/config.ts'
import { connectionLimits, guardConnections, serverOptions, type ConnectionLimits } from './http/connections.ts'
import { createLogger, logOf } from './observability/log.ts'
import { listenMetrics, openObservability } from './observability/index.ts'

export interface ServeOptions {
  dataDir: string
  port: number
  host?: string
  configFile?: string
  config?: Config
  adminToken?: string
  clickhouse?: { url: string; user?: string; password?: string; database?: string }
  cluster?: string
  /** Seconds between scheduled detection runs; 0 turns the schedule off. */
  detectInterval?: number
  /** How long a run after ingest or a settings save waits for more of them (default 5 000 ms). */
  detectDebounceMs?: number
  /** Where log lines go (each a JSON object; default stdout, at LOG_LEVEL). */
  log?: (line: string) => void
  /** Where the server reads the time and waits (tests inject a ManualClock). */
  clock?: Clock
  /** Milliseconds between digest passes (default 60 000); 0: only the pass at start (tests call tick()). */
  digestTickMs?: number
}

export interface Running {
  url: string
  port: number
  db: Db
  services: Services
  adminToken: string
  /** The metrics listener's base URL, when `metrics.listen` is configured. */
  metricsUrl?: string
  close(): Promise<void>
}

export { VERSION }

export async function start(opts: ServeOptions): Promise<Running> {
  const logger = createLogger(opts.log ? { write: opts.log } : {})
  const log = (s: string) => logger.info(s)
  const config = opts.config ?? loadConfig(opts.configFile)
  const db = await openStorage(opts, config, log)
  const watching = await openObservability(db, logger, VERSION)
  await loadSettings(db, config)
  openSpans(db)
  // Rows a crash or a failed request left behind, now and every hour (in the background).
  const uncommitted = startUncommittedCleanup(db, log)
  const derived = await openDerived(db, log)
  const clock = opts.clock ?? systemClock
  const cache = await openReadCache(db, clock)
  const adminToken = opts.adminToken ?? localAdminToken(opts.dataDir, log)
  const detector = new Detector(db, config, detectInterval(opts, config), opts.detectDebounceMs, clock)
  const notifier = await openNotifier(db, config, detector, cache, opts.clock)
  const services: Services = {
    db,
    config,
    tokens: new TokenStore(sha256Hex(adminToken), config),
    access: new AccessStore(db, clock),
    limits: rateLimits(config, clock),
    version: VERSION,
    detector,
    notifier,
    derived,
    cache,
    clock,
    onIngested: () => detector.afterIngest(),
    ...watching,
  }
  services.digests = new DigestScheduler(db, config, services.access, clock)
  // Pulls through the same pipeline as pushes: detection follows their batches the same way.
  if (config.sources.some((s) => s.connector)) services.connectors = new Connectors(db, config, clock, () => detector.afterIngest())
  const app = buildApp(services)
  staticWeb(app)
  const host = opts.host ?? '127.0.0.1'
  const server = await listen(app.fetch, host, opts.port, connectionLimits(config.server))
  const port = (server.address() as import('node:net').AddressInfo).port
  const metricsListener = await listenMetrics(services)
  detector.start()
  services.digests?.start(opts.digestTickMs ?? 60_000)
  const retention = new RetentionJob(db, config.retention, clock, log)
  retention.start()
  await services.connectors?.start()
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    db,
    services,
    adminToken,
    metricsUrl: metricsListener?.url,
    async close() {
      detector.stop()
      services.digests?.stop()
      await services.digests?.idle().catch(() => {})
      await retention.stop()
      services.connectors?.stop()
      await new Promise<void>((r) => server.close(() => r()))
      await metricsListener?.close()
      await services.tracing?.shutdown().catch((e) => logger.warn({ err: e }, 'self-tracing: spans not exported at close'))
      await uncommitted.stop()
      await derived.close()
      await closeSpans(db).catch((e) => logger.error({ err: e }, 'spans not loaded at close (kept for the next start)'))
      await db.close()
    },
  }
}

/** Opens storage and brings its schema up to date; a schema that cannot be prepared stops the start. */
async function openStorage(opts: ServeOptions, config: Config, log: (s: string) => void): Promise<Db> {
  const db = await openDb({ dataDir: opts.dataDir, backupDir: backupRoot(config.backup, opts.dataDir), log, ...opts.clickhouse })
  try {
    await migrate(db, opts.cluster, log)
  } catch (e) {
    await db.close()
    throw new StartupError(`Could not prepare the schema: ${(e as Error).message.split('\n')[0]}`)
  }
  return db
}

/** The read cache, told of every committed batch and of the newest data already stored. */
async function openReadCache(db: Db, clock: Clock): Promise<ReadCache> {
  // Off on a ClickHouse server: other Crosswalk servers may write to it, and a cache here only
  // learns of this server's own writes (docs/deploy.md).
  const enabled = process.env.CROSSWALK_READ_CACHE !== '0' && db.engine === 'chdb'
  const cache = new ReadCache({ enabled, now: () => clock.now().getTime() })
  onCommit(db, async (row) => cache.bump(row.observed_at))
  for (const r of await queryRows<{ at: string | null }>(db, 'cache.max_observed', sqlFile('serve/max_observed.sql'))) if (r.at) cache.observed(r.at)
  return cache
}

/** Seconds between scheduled runs: the option, else CROSSWALK_DETECT_INTERVAL, else the config. */
function detectInterval(opts: ServeOptions, config: Config): number {
  const envInterval = process.env.CROSSWALK_DETECT_INTERVAL
  const interval = opts.detectInterval ?? (envInterval !== undefined && envInterval !== '' ? Number(envInterval) : config.detect.interval_seconds)
  if (!Number.isFinite(interval) || interval < 0)
    throw new StartupError(`CROSSWALK_DETECT_INTERVAL must be a number of seconds (0 turns detection off), got '${envInterval}'.`)
  return interval
}

/** The notifier, fed by every detection run, with deliveries a previous process left pending resumed. */
async function openNotifier(db: Db, config: Config, detector: Detector, cache: ReadCache, clock?: Clock): Promise<Notifier> {
  const notifier = new Notifier(db, config, {
    maxAttempts: config.notify.max_attempts,
    backoffMs: config.notify.backoff_ms,
    timeoutMs: config.notify.timeout_ms,
  }, clock)
  // Every run changes the exception list and money at risk.
  detector.listeners.push(() => cache.bump())
  detector.listeners.push((ids) => {
    notifier.afterRun(ids).catch((e) => logOf(db).error({ err: e }, 'notifications failed'))
  })
  await notifier.resume()
  return notifier
}

function rateLimits(config: Config, clock: Clock): Services['limits'] {
  return {
    ingest: new RateLimiter(config.auth.ingest_requests_per_minute, 60_000, clock),
    login: new RateLimiter(config.auth.login_max_failures, config.auth.login_window_minutes * 60_000, clock),
    // Per address, across accounts: slows password spraying.
    loginByAddress: new RateLimiter(config.auth.login_max_failures * 4, config.auth.login_window_minutes * 60_000, clock),
  }
}

/** Listens on host:port; a port in use or an address that cannot be bound is a StartupError. */
async function listen(fetch: Parameters<typeof serveHttp>[0]['fetch'], host: string, port: number, limits: ConnectionLimits): Promise<ServerType> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serveHttp({ fetch, port, hostname: host, serverOptions: serverOptions(limits) }, () => resolve(s))
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          e.code === 'EADDRINUSE' ? `Port ${port} is already in use; pass --port or set CROSSWALK_PORT.` : `Cannot listen on ${host}:${port}: ${e.message}`,
        ),
      ),
    )
  })
  // Large snapshots stream for minutes: the request timeout is config's (server.request_timeout_ms, 1 h).
  guardConnections(server as import('node:http').Server, limits)
  return server
}

/**
 * Without CROSSWALK_ADMIN_TOKEN, a random admin token is made once and kept in the data dir
 * (mode 0600) so the local CLI and demo loader can use it; it is never printed.
 */
function localAdminToken(dataDir: string, log: (s: string) => void): string {
  const file = path.join(path.resolve(dataDir), 'admin-token')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    const token = newToken('cwa')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, token + '\n', { mode: 0o600 })
    log(`created an admin token in ${file} (set CROSSWALK_ADMIN_TOKEN to choose your own)`)
    return token
  }
}

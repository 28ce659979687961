// What every route can reach: storage, config and the services built on them.
import type { HttpBindings } from '@hono/node-server'
import type { Db } from './db/client.ts'
import type { Config } from './config/schema.ts'
import type { TokenStore } from './auth/tokens.ts'
import type { Principal } from './auth/principal.ts'
import type { AccessStore } from './auth/store.ts'
import type { RateLimiter } from './auth/rate-limit.ts'
import type { Detector } from './exceptions/detector.ts'
import type { Notifier } from './notify/webhooks.ts'
import type { DigestScheduler } from './notify/digest/scheduler.ts'
import type { TimeEntryDerived } from './derived/time-entries.ts'
import type { ReadCache } from './read/cache.ts'
import type { Clock } from './lib/clock.ts'
import type { Connectors } from './connectors/service.ts'
import type { Logger } from './observability/log.ts'
import type { Metrics } from './observability/metrics.ts'
import type { Tracing } from './observability/tracing.ts'

export interface Services {
  db: Db
  config: Config
  tokens: TokenStore
  access: AccessStore
  limits: { ingest: RateLimiter; login: RateLimiter; loginByAddress: RateLimiter }
  version: string
  detector: Detector
  notifier: Notifier
  /** Digests and subscriptions on their schedules (notify/digest/); tests call tick() on it. */
  digests?: DigestScheduler
  /** Derived time-entry tables (server/derived/): their state decides which reads use them. */
  derived: TimeEntryDerived
  /** Answers of the dashboard's reads per data generation (read/cache.ts); writes bump it. */
  cache: ReadCache
  /** Connector pulls of the sources that have one (CONTRACT §8). */
  connectors?: Connectors
  /** Where "now" comes from (tests inject a ManualClock). */
  clock: Clock
  /** Called after every committed ingest batch (detection is debounced behind it). */
  onIngested?: (system: string, entity: string) => void
  /** Structured logs (observability/log.ts), /metrics, and self-tracing (null unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  log: Logger
  metrics: Metrics
  tracing: Tracing | null
  /** `serve --demo` on an empty database: the demo firm is loading, loaded, or failed to load. */
  demo?: 'loading' | 'loaded' | 'failed'
}

export type AppEnv = {
  Bindings: HttpBindings
  Variables: { services: Services; principal: Principal | null }
}

// A running server's logs, metrics and self-tracing, set up at start and found from its Db by
// the code that records into them; and the optional metrics listener on a local address.
import { serve as serveHttp, type ServerType } from '@hono/node-server'
import type { Db } from '../db/client.ts'
import type { Services } from '../context.ts'
import { StartupError } from '../lib/errors.ts'
import { bindLogger, type Logger } from './log.ts'
import { bindMetrics, Metrics } from './metrics.ts'
import { bindTracing, openTracing } from './tracing.ts'
import { metricsListenerApp } from './http.ts'

export async function openObservability(db: Db, log: Logger, version: string): Promise<Pick<Services, 'log' | 'metrics' | 'tracing'>> {
  bindLogger(db, log)
  const metrics = new Metrics(db, version)
  bindMetrics(db, metrics)
  const tracing = await openTracing(version)
  if (tracing) bindTracing(db, tracing)
  return { log, metrics, tracing }
}

export interface MetricsListener {
  url: string
  close(): Promise<void>
}

/** The listener of `metrics.listen`, if configured: GET /metrics only. */
export async function listenMetrics(services: Services): Promise<MetricsListener | null> {
  const at = services.config.metrics.listen
  if (!at) return null
  const app = metricsListenerApp(services)
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serveHttp({ fetch: app.fetch, port: at.port, hostname: at.host }, () => resolve(s))
    s.once('error', (e: NodeJS.ErrnoException) => reject(new StartupError(`Cannot listen for metrics on ${at.host}:${at.port} (metrics.listen): ${e.code ?? e.message}.`)))
  })
  const port = (server.address() as import('node:net').AddressInfo).port
  services.log.info({ host: at.host, port }, 'metrics listener started')
  return {
    url: `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

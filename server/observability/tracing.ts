// Crosswalk tracing itself with OpenTelemetry, when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: a span per HTTP request, one per detection run with
// a child per rule. The exporter reads the standard OTEL_EXPORTER_OTLP_* variables (headers,
// timeouts). Unset, nothing is built and every helper here just runs its function.
//
// Each server has its own provider (tests run several in one process) and nothing is registered
// globally, so libraries' own instrumentation stays a no-op. Parents are carried in our own
// AsyncLocalStorage: no context manager is installed.
import { AsyncLocalStorage } from 'node:async_hooks'
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api'
import type { Db } from '../db/client.ts'

export interface Tracing {
  readonly tracer: Tracer
  /** Exports every span ended so far (tests, shutdown). */
  flush(): Promise<void>
  shutdown(): Promise<void>
}

/** Tracing per the environment, or null when no OTLP endpoint is set (the SDK is not even loaded). */
export async function openTracing(version: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing | null> {
  if (env.OTEL_SDK_DISABLED === 'true') return null
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ])
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'crosswalk', 'service.version': version }),
    // The exporter reads the OTEL_EXPORTER_OTLP_* variables itself (URL, headers, timeout).
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  })
  return { tracer: provider.getTracer('crosswalk', version), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() }
}

const active = new AsyncLocalStorage<Context>()
const byDb = new WeakMap<Db, Tracing>()

export function bindTracing(db: Db, t: Tracing): void {
  byDb.set(db, t)
}

export const tracingOf = (db: Db): Tracing | undefined => byDb.get(db)

/** Starts a span as a child of the one running now (if any); `fn` and what it starts run inside it. */
export function runInSpan<T>(t: Tracing, name: string, attributes: Attributes, kind: SpanKind, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = t.tracer.startSpan(name, { kind, attributes }, active.getStore() ?? ROOT_CONTEXT)
  return active.run(trace.setSpan(active.getStore() ?? ROOT_CONTEXT, span), () => fn(span))
}

/**
 * Runs `fn` in a span of the server using `db` (internal work such as a detection run or a
 * rule), ended when `fn` settles; an error marks it failed. Without tracing: just `fn()`.
 */
export async function inSpan<T>(db: Db, name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const t = byDb.get(db)
  if (!t) return fn()
  return runInSpan(t, name, attributes, SpanKind.INTERNAL, async (span) => {
    try {
      return await fn()
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).name })
      throw e
    } finally {
      span.end()
    }
  })
}

/** Starts a child of the running span, for work measured between two lines (end it yourself). */
export function startSpan(db: Db, name: string, attributes: Attributes): Span | undefined {
  const t = byDb.get(db)
  return t?.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, active.getStore() ?? ROOT_CONTEXT)
}

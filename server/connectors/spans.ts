// Each pull is a transaction (CONTRACT §8): workflow `collect`, service.name = the system, one
// span per page and a last one for the run's outcome, so a failed pull shows on Transactions.
import crypto from 'node:crypto'
import type { SpanRecord } from '../traces/otlp.ts'
import type { Run } from './runs.ts'

export type SpanSink = (spans: SpanRecord[]) => Promise<void>

const ns = (iso: string | Date) => BigInt(new Date(iso).getTime()) * 1_000_000n

export interface PageSpan {
  entity: string
  page: number
  records: number
  url: string
  started: Date
  ended: Date
}

export function collectSpan(sink: SpanSink, run: Run, page: PageSpan | null, error: string | null): Promise<void> {
  const traceId = run.run_id.replace(/-/g, '')
  const end = page ? page.ended : new Date(run.ended_at ?? run.started_at)
  const span: SpanRecord = {
    traceId,
    spanId: crypto.randomBytes(8).toString('hex'),
    parentSpanId: '',
    traceState: '',
    name: page ? `pull ${page.entity} page ${page.page}` : `pull ${run.mode}`,
    kind: 'Client',
    serviceName: run.system,
    scopeName: 'crosswalk.connector',
    scopeVersion: '',
    startNs: ns(page ? page.started : run.started_at),
    endNs: ns(page && end < page.started ? page.started : end),
    statusCode: error ? 'Error' : 'Ok',
    statusMessage: error ?? '',
    attributes: {
      'crosswalk.workflow': 'collect',
      'crosswalk.entity.type': page?.entity ?? 'source',
      'crosswalk.entity.key': run.system,
      'crosswalk.run_id': run.run_id,
      ...(page ? { 'crosswalk.page': page.page, 'crosswalk.records': page.records, 'url.full': page.url } : { 'crosswalk.mode': run.mode }),
    },
    resourceAttributes: { 'service.name': run.system },
    events: [],
    links: [],
  }
  return sink([span])
}

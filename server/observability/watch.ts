// Detection as metrics and spans: a run (its duration per trigger, a span) and each rule in it
// (its duration, a child span with the rows it found). Nothing is built without a server's
// metrics or tracing bound to the Db.
import type { Db } from '../db/client.ts'
import { metricsOf } from './metrics.ts'
import { inSpan, startSpan } from './tracing.ts'

export function watchDetection<T>(db: Db, trigger: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  return inSpan(db, 'crosswalk.detect', { 'crosswalk.detect.trigger': trigger }, fn).finally(() =>
    metricsOf(db)?.detectionRun(trigger, (performance.now() - t0) / 1000),
  )
}

/** Call when the rule starts; call what it returns with the rows it found when it ends. */
export function watchRule(db: Db, rule: string): (rows: number) => void {
  const t0 = performance.now()
  const span = startSpan(db, `crosswalk.rule ${rule}`, { 'crosswalk.rule': rule })
  return (rows) => {
    metricsOf(db)?.rule(rule, (performance.now() - t0) / 1000)
    span?.setAttribute('crosswalk.rule.rows', rows)
    span?.end()
  }
}

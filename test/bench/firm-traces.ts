// Integration traces of the bench firm, written straight into otel_traces (0006_traces.sql) as the
// span log would load them: one trace per workflow run over the last four weeks, a root span in
// the integration platform carrying workflow and entity, one child span per system call. A few
// percent fail; some of those were retried successfully (no exception), some had succeeded before.
import type { Db } from '../../server/db/client.ts'
import { DAY, chTime, type Plan } from './firm-plan.ts'

const STEPS: Record<string, { type: string; steps: [string, string][] }> = {
  quote_to_project: { type: 'opportunity', steps: [['salesforce', 'opportunity.closed_won'], ['mulesoft', 'map.opportunity_to_project'], ['netsuite', 'project.create'], ['kantata', 'project.create']] },
  staff_to_deliver: { type: 'assignment', steps: [['kantata', 'assignment.create'], ['workday', 'worker.get'], ['netsuite', 'rate_card.get']] },
  time_to_cash: { type: 'time_entry', steps: [['kantata', 'time_entry.export'], ['mulesoft', 'transform.time_entries'], ['netsuite', 'time_entry.import']] },
}

/** A stride coprime with m: i → (i × stride) mod m visits distinct entities for i < m. */
const stride = (m: number) => [7919, 7927, 7933, 7937, 7949].find((p) => m % p !== 0)!

/** The traces as rows (workflow, entity, attempts): shared by the insert and the expected count. */
function traceRows(plan: Plan): { sql: string; params: Record<string, unknown> } {
  const { seed, asOf } = plan
  const total = Math.max(3000, Math.round(plan.entries / 1000))
  const opps = plan.opps.filter((o) => o.wonAt !== null && o.wonAt < asOf - 3_600_000).map((o) => o.key)
  const asgs = plan.assignments.filter((a) => !a.cancelled).map((a) => a.key)
  const recent = plan.days.filter((s) => s.day >= plan.D - 28)
  const teFrom = recent[0].off
  const teCount = plan.entries - teFrom
  const part = (wf: string, count: number, m: number, key: string) => {
    const steps = `[${STEPS[wf].steps.map(([s, n]) => `('${s}', '${n}')`).join(', ')}]`
    const entity = `(number * ${stride(m)}) % ${m}`
    return `SELECT '${wf}' AS wf, '${STEPS[wf].type}' AS etype, ${key.replace('$', entity)} AS ekey, number AS i, ${steps} AS steps FROM numbers(${Math.min(count, m)})`
  }
  const parts = [
    part('quote_to_project', Math.round(total * 0.2), opps.length, `{opps:Array(String)}[$ + 1]`),
    part('staff_to_deliver', Math.round(total * 0.3), asgs.length, `{asgs:Array(String)}[$ + 1]`),
    part('time_to_cash', Math.round(total * 0.5), teCount, `'TE-' || leftPad(toString(${teFrom} + $), 9, '0')`),
  ].join('\nUNION ALL\n')
  const at = `toDateTime64('${chTime(asOf)}', 9, 'UTC')`
  return {
    params: { opps, asgs },
    sql: `SELECT *, cityHash64(${seed}, 'tx', wf, i) AS h, ${at} - toIntervalMillisecond(60000 + h % ${28 * DAY}) AS start,
        intDiv(h, 7) % 100 < 3 AS failed, intDiv(h, 1000) % 3 AS how, (1 + intDiv(h, 10000) % 6) * 3600000 AS retry_ms,
        failed AND how = 0 AND start + toIntervalMillisecond(retry_ms) <= ${at} - toIntervalMinute(1) AS retried,
        1 + intDiv(h, 100000) % length(steps) AS fail_step,
        multiIf(retried, [(toInt64(0), true), (toInt64(retry_ms), false)],
                failed AND how = 1, [(toInt64(-86400000 * (1 + intDiv(h, 1000000) % 3)), false), (toInt64(0), true)],
                [(toInt64(0), failed)]) AS attempts
      FROM (${parts})`,
  }
}

export async function writeTraces(db: Db, plan: Plan): Promise<number> {
  const { sql, params } = traceRows(plan)
  const hex = (x: string) => `leftPad(lower(hex(${x})), 16, '0')`
  await db.client.command({
    query: `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
        ResourceAttributesJSON, ScopeName, ScopeVersion, SpanAttributes, SpanAttributesJSON, Duration, StatusCode, StatusMessage)
      SELECT t0 + toIntervalMillisecond(if(step = 0, 0, 50 + (step - 1) * 900)), trace_id,
        if(step = 0, root_id, ${hex(`cityHash64(${plan.seed}, 'span', trace_id, step)`)}), if(step = 0, '', root_id), '',
        if(step = 0, wf, steps[step].2), if(step = 0, 'Internal', 'Client'), if(step = 0, 'mulesoft', steps[step].1) AS svc,
        map('service.name', svc), concat('{"service.name":"', svc, '"}'), 'crosswalk-bench', '1',
        if(step = 0, map('crosswalk.workflow', wf, 'crosswalk.entity.type', etype, 'crosswalk.entity.key', ekey), map('crosswalk.workflow', wf)),
        if(step = 0, concat('{"crosswalk.workflow":"', wf, '","crosswalk.entity.type":"', etype, '","crosswalk.entity.key":"', ekey, '"}'),
           concat('{"crosswalk.workflow":"', wf, '"}')),
        toUInt64(if(step = 0, ran * 900 + 200, 120 + cityHash64(${plan.seed}, 'dur', trace_id, step) % 700)) * 1000000,
        if(fails AND (step = 0 OR step = fail_step), 'Error', 'Ok'),
        multiIf(NOT fails, '', step = 0, concat(steps[fail_step].1, ' ', steps[fail_step].2, ' failed'),
                step = fail_step, concat(steps[step].1, ' rejected ', steps[step].2, ': HTTP 500 Internal Server Error'), '')
      FROM (
        SELECT *, attempt.1 AS offset_ms, attempt.2 AS fails,
          ${hex(`cityHash64(${plan.seed}, 'trace', wf, i, offset_ms)`)} || ${hex(`cityHash64(${plan.seed}, 'trace-2', wf, i, offset_ms)`)} AS trace_id,
          ${hex(`cityHash64(${plan.seed}, 'root', trace_id)`)} AS root_id, start + toIntervalMillisecond(offset_ms) AS t0,
          if(fails, fail_step, length(steps)) AS ran
        FROM (${sql}) ARRAY JOIN attempts AS attempt
      ) ARRAY JOIN range(0, ran + 1) AS step`,
    query_params: params,
    clickhouse_settings: { max_threads: 2 },
  })
  // Expected transaction_failed: entities whose latest run failed (no successful retry by as_of).
  const rs = await db.client.query({ query: `SELECT countIf(failed AND NOT retried) AS n FROM (${sql})`, query_params: params, format: 'JSONEachRow' })
  return Number((await rs.json<{ n: string }>())[0].n)
}

// Integration transactions as OTLP/HTTP JSON: one trace per workflow run, a root span in the
// integration platform (mulesoft) carrying the business attributes, one child span per system call.
// Failures line up with the data plants (a failed project.create next to a missing project, a
// failed nightly sync next to time missing in the ERP) so exceptions have related transactions.
import { DAY_MS, HOUR_MS, dayStart, isWeekday, ymd } from './rng.ts'
import { nearMiss, type Trace, type World } from './world.ts'

type Step = Trace['steps'][number]

export function genTraces(w: World): void {
  genQuoteTraces(w)
  genStaffTraces(w)
  genSyncTraces(w)
  genInvoiceTraces(w)
  w.traces.sort((a, b) => a.startMs - b.startMs)
}

/** Keeps a trace that started before as_of; a planted failure's entity is one the rule must report. */
function addTrace(w: World, t: Trace, planted = false): void {
  if (t.startMs > w.asOf - 60_000) return
  w.traces.push(t)
  if (planted) w.planted.transaction_failed.push(t.entityKey)
}

const quoteSteps = (fail: 'netsuite' | 'kantata' | null, err = ''): Step[] => [
  { service: 'salesforce', name: 'opportunity.closed_won' },
  { service: 'mulesoft', name: 'map.opportunity_to_project' },
  { service: 'netsuite', name: 'project.create', error: fail === 'netsuite' ? err : undefined },
  { service: 'kantata', name: 'project.create', error: fail === 'kantata' ? err : undefined },
]
const quote = (key: string, startMs: number, steps: Step[]): Trace => ({ workflow: 'quote_to_project', entityType: 'opportunity', entityKey: key, startMs, steps })
const staff = (key: string, startMs: number, steps: Step[]): Trace => ({ workflow: 'staff_to_deliver', entityType: 'assignment', entityKey: key, startMs, steps })

/** quote_to_project for deals won in the last four months, failing where a project shell is missing. */
function genQuoteTraces(w: World): void {
  const { rng, asOf } = w
  const byOpp = new Map(w.projects.filter((p) => p.oppKey).map((p) => [p.oppKey!, p]))
  const missErp = new Set(w.planted.project_missing_in_erp)
  const missPsa = new Set(w.planted.project_missing_in_psa)
  let retried = false
  for (const o of w.opps) {
    if (!o.won || o.wonAt === null || o.wonAt < asOf - 120 * DAY_MS) continue
    const p = byOpp.get(o.key)
    const early = o.wonAt + rng.int(2, 15) * 60_000
    if (!p) {
      if (w.planted.won_opportunity_without_project.slice(0, 2).includes(o.key))
        addTrace(w, quote(o.key, early, quoteSteps('netsuite', `netsuite rejected project.create: INVALID_KEY_OR_REF customer ${o.accountKey} not found in subsidiary`)), true)
    } else if (missErp.has(p.key)) {
      addTrace(w, quote(o.key, early, quoteSteps('netsuite', 'netsuite rejected project.create: INVALID_FLD_VALUE department is required')), true)
    } else if (missPsa.has(p.key)) {
      addTrace(w, quote(o.key, early, quoteSteps('kantata', 'kantata rejected project.create: HTTP 500 Internal Server Error')), true)
    } else if (p.inErp && p.inPsa && p.createdErp !== null) {
      const ok = p.createdErp - rng.int(2, 9) * 1000
      if (!retried && ok - HOUR_MS > o.wonAt) {
        // First attempt timed out, the retry went through: the latest run is ok, so no exception.
        retried = true
        addTrace(w, quote(o.key, ok - 40 * 60_000, quoteSteps('netsuite', 'netsuite project.create timed out: HTTP 504 Gateway Timeout')))
        nearMiss(w, 'transaction_failed', o.key)
      }
      addTrace(w, quote(o.key, ok, quoteSteps(null)))
    }
  }
}

/** staff_to_deliver for recent staffing, and a terminated consultant's assignment that then failed. */
function genStaffTraces(w: World): void {
  const { rng, D } = w
  const recent = w.assignments.filter((a) => a.start >= D - 60 && a.status !== 'cancelled').slice(0, Math.round(12 * w.scale))
  recent.forEach((a, i) => {
    const at = dayStart(a.start - rng.int(2, 10)) + rng.int(9, 17) * HOUR_MS
    const rateFails = i === 3
    addTrace(w, staff(a.key, at, [
      { service: 'kantata', name: 'assignment.create' },
      { service: 'workday', name: 'worker.get' },
      { service: 'netsuite', name: 'rate_card.get', error: rateFails ? `netsuite rate_card.get: no rate card for this role on ${a.projectKey} (HTTP 404)` : undefined },
    ]), rateFails)
  })
  // Succeeded, then failed: the latest run of a terminated consultant's assignment is a failure.
  const gone = w.assignments.filter((a) => w.planted.assignment_terminated_resource.includes(a.key)).sort((a, b) => a.start - b.start)[0]
  if (!gone) return
  const term = w.byKey.person.get(gone.resourceKey)!.term!
  addTrace(w, staff(gone.key, dayStart(gone.start - 3) + 10 * HOUR_MS, [{ service: 'kantata', name: 'assignment.create' }, { service: 'workday', name: 'worker.get' }]))
  addTrace(w, staff(gone.key, dayStart(term + 1) + 7 * HOUR_MS, [
    { service: 'workday', name: 'worker.get' },
    { service: 'kantata', name: 'assignment.update', error: `kantata rejected assignment.update: resource ${gone.resourceKey} is inactive (HTTP 422)` },
  ]), true)
}

/** time_to_cash: the nightly PSA-to-ERP time sync of the last two weeks (one night failed). */
function genSyncTraces(w: World): void {
  const { D } = w
  for (let d = D - 14; d < D; d++) {
    if (!isWeekday(d)) continue
    const failed = d === w.syncFailDay
    addTrace(w, {
      workflow: 'time_to_cash', entityType: 'time_sync', entityKey: `SYNC-${ymd(d)}`, startMs: dayStart(d) + 23 * HOUR_MS + 30 * 60_000,
      steps: [
        { service: 'kantata', name: 'time_entry.export' },
        { service: 'mulesoft', name: 'transform.time_entries' },
        { service: 'netsuite', name: 'time_entry.import', error: failed ? 'netsuite rejected time_entry.import: 4 lines failed with PERIOD_LOCKED' : undefined },
      ],
    }, failed)
  }
}

/** time_to_cash for recent invoices (one CRM update failed). */
function genInvoiceTraces(w: World): void {
  const { rng } = w
  const invoices = w.invoices.filter((i) => i.status !== 'void').slice(-Math.round(8 * w.scale))
  invoices.forEach((inv, i) => {
    const failed = i === invoices.length - 3
    addTrace(w, {
      workflow: 'time_to_cash', entityType: 'invoice', entityKey: inv.key, startMs: dayStart(inv.date) + rng.int(9, 16) * HOUR_MS,
      steps: [
        { service: 'netsuite', name: 'invoice.create' },
        { service: 'salesforce', name: 'account.update_billing', error: failed ? 'salesforce rejected account.update_billing: UNABLE_TO_LOCK_ROW (HTTP 409)' : undefined },
      ],
    }, failed)
  })
}

const ns = (ms: number): string => `${Math.round(ms)}000000`
const str = (key: string, value: string) => ({ key, value: { stringValue: value } })

/** One OTLP/HTTP JSON body (`{resourceSpans: [...]}`), spans grouped by service.name. */
export function toOtlp(w: World): object {
  const { rng } = w
  const byService = new Map<string, object[]>()
  const emit = (service: string, span: object) => {
    if (!byService.has(service)) byService.set(service, [])
    byService.get(service)!.push(span)
  }
  for (const t of w.traces) {
    const traceId = rng.hex(32)
    const rootId = rng.hex(16)
    const wf = str('crosswalk.workflow', t.workflow)
    let at = t.startMs
    let failure: Step | null = null
    for (const s of t.steps) {
      const dur = rng.int(120, 1800)
      emit(s.service, {
        traceId, spanId: rng.hex(16), parentSpanId: rootId, name: s.name, kind: 3,
        startTimeUnixNano: ns(at), endTimeUnixNano: ns(at + dur), attributes: [wf],
        status: s.error ? { code: 2, message: s.error } : { code: 1 },
      })
      at += dur + rng.int(50, 900)
      if (s.error) { failure = s; break }
    }
    emit('mulesoft', {
      traceId, spanId: rootId, name: t.workflow, kind: 1, startTimeUnixNano: ns(t.startMs), endTimeUnixNano: ns(at),
      attributes: [wf, str('crosswalk.entity.type', t.entityType), str('crosswalk.entity.key', t.entityKey)],
      status: failure ? { code: 2, message: `${failure.service} ${failure.name} failed` } : { code: 1 },
    })
  }
  return {
    resourceSpans: [...byService.keys()].sort().map((service) => ({
      resource: { attributes: [str('service.name', service)] },
      scopeSpans: [{ scope: { name: 'crosswalk-demo', version: '1' }, spans: byService.get(service)! }],
    })),
  }
}

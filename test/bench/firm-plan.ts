// The bench firm's plan, worked out in JS: the calendar of batches, and the few thousand people,
// projects, assignments, rate cards, accounts and deals. The millions of time entries and their
// copies are derived from it in SQL (firm-time.ts), which reads this plan as lookup arrays.
import { Rng, addMonths, firstOfMonth, isWeekday } from '../../ingest/demo/rng.ts'
import { ROLES } from '../../ingest/demo/world.ts'
import { planPeople, type Person } from './firm-people.ts'
import { planProjects, type Account, type Assignment, type Card, type Opp, type Project } from './firm-projects.ts'

export { addMonths as addMonthsDay }
export const DAY = 86_400_000
export const HOUR = 3_600_000
export { ROLES, type Account, type Assignment, type Card, type Opp, type Person, type Project }

export const ymd = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10)
/** ClickHouse DateTime64(3) text of an instant. */
export const chTime = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ')
export const pad = (n: number, w: number): string => String(n).padStart(w, '0')

/** Entries (or expenses) of one weekday: numbers [off, off + cnt), by the employed people [a, a + e). */
export interface DaySlot { day: number; off: number; cnt: number; a: number; e: number }

export interface SyncObs { at: number; cut: number }
export interface BillingRun { month: number; end: number; at: number }

export interface Plan {
  entries: number; seed: number; asOf: number; D: number; ws: number
  /** People who log time: [0, leavers) left during the year (by termination date), then core, then hires (by hire date). */
  P: number; leavers: number; core: number; hires: number
  people: Person[]; projects: Project[]; assignments: Assignment[]; accounts: Account[]; opps: Opp[]; cards: Card[]
  /** Project indexes of the internal projects: practice development by practice, then time off. */
  practiceDev: number[]; timeOff: number
  days: DaySlot[]; xdays: DaySlot[]; expenses: number
  /** PSA time and expense batches (Sunday nights, then as_of − 2 h): instants, and the slots each covers. */
  psaObs: number[]; psaDays: DaySlot[][]; psaXdays: DaySlot[][]
  /** ERP time syncs: approvals up to `cut` (Monday mornings, then as_of − 6 h observed at as_of − 2 h). */
  sync: SyncObs[]
  billing: BillingRun[]
  /** First day of the first month not invoiced yet: corrections and deletions stay after it. */
  unbilledFrom: number
  /** The month some projects never invoiced (five months back): unbilled for over 90 days. */
  missedMonth: number; missedProjects: string[]
  /** One invoice in invoiceMod (by a hash of its key) is planted off its lines. */
  invoiceMod: number
  /** Month-end days of the master-data snapshots (HR, PSA, ERP, CRM) before the final ones. */
  monthEnds: number[]
  final: { hr: number; psa: number; erp: number; erpDelta: number; crm: number }
  /** Planted counts that follow from the plan alone (the rest are counted in SQL). */
  planted: Record<string, number>
}

/** Today's UTC midnight: the default as_of, so that "now" in the API is the firm's present. */
export const todayMidnight = (): Date => new Date(Math.floor(Date.now() / DAY) * DAY)

export function makePlan(entries: number, seed: number, asOfDate: Date): Plan {
  const asOf = asOfDate.getTime()
  const D = Math.floor(asOf / DAY)
  const ws = D - 365
  const rng = new Rng(seed * 7919 + 17)
  const people = planPeople(rng, entries, D, ws)
  const P = people.filter((p) => p.group !== 'hr_only').length
  const leavers = people.filter((p) => p.group === 'leaver').length
  const hires = people.filter((p) => p.group === 'hire').length
  const proj = planProjects(rng, people.slice(0, P), D, ws, asOf)

  const days = allocate(entries, people, P, leavers, hires, ws, D)
  const expenses = Math.max(1000, Math.round(entries / 100))
  const xdays = allocate(expenses, people, P, leavers, hires, ws, D)
  for (const s of days) if (Math.ceil(s.cnt / s.e) > 14) throw new Error(`too many entries per person-day on ${ymd(s.day)}`)

  // Batches: PSA every Sunday night, ERP time sync every Monday morning, billing on the 15th.
  const final = { hr: asOf - 30 * HOUR, psa: asOf - 2 * HOUR, erp: asOf - 2 * HOUR, erpDelta: asOf - 1 * HOUR, crm: asOf - 1 * HOUR }
  const psaObs: number[] = []
  const sync: SyncObs[] = []
  for (let d = ws; d < D; d++) {
    if ((d + 3) % 7 === 6 && d * DAY + 22 * HOUR < final.psa) psaObs.push(d * DAY + 22 * HOUR)
    if ((d + 3) % 7 === 0 && d > ws && d * DAY + 6 * HOUR < final.erp) sync.push({ at: d * DAY + 6 * HOUR, cut: d * DAY + 6 * HOUR })
  }
  psaObs.push(final.psa)
  sync.push({ at: final.erp, cut: asOf - 6 * HOUR })
  const dayOfObs = (ms: number) => Math.floor(ms / DAY)
  const slice = (slots: DaySlot[]) =>
    psaObs.map((o, i) => slots.filter((s) => s.day <= dayOfObs(o) && (i === 0 || s.day > dayOfObs(psaObs[i - 1]))))

  const billing: BillingRun[] = []
  let m = firstOfMonth(ws)
  for (; addMonths(m, 1) * DAY + 14 * DAY + 18 * HOUR < final.erp; m = addMonths(m, 1))
    billing.push({ month: m, end: addMonths(m, 1) - 1, at: addMonths(m, 1) * DAY + 14 * DAY + 18 * HOUR })
  const monthEnds: number[] = []
  for (let e = firstOfMonth(ws) - 1; e * DAY + 20 * HOUR < final.hr - DAY; e = addMonths(e + 1, 1) - 1) monthEnds.push(e)

  const plan: Plan = {
    entries, seed, asOf, D, ws, P, leavers, core: P - leavers - hires, hires, people,
    projects: proj.projects, assignments: proj.assignments, accounts: proj.accounts, opps: proj.opps, cards: proj.cards, practiceDev: proj.practiceDev, timeOff: proj.timeOff,
    days, xdays, expenses, psaObs, psaDays: slice(days), psaXdays: slice(xdays), sync, billing,
    unbilledFrom: m, missedMonth: addMonths(D, -5), missedProjects: [], invoiceMod: 0, monthEnds, final, planted: {},
  }
  billingPlants(plan, rng)
  plan.planted = plannedCounts(plan)
  return plan
}

/**
 * Picks the projects whose invoice for missedMonth was never raised, and sizes the invoice plants
 * to about 1 % of the invoices there will be (at least a few).
 */
function billingPlants(plan: Plan, rng: Rng): void {
  const span = new Map<number, [number, number]>()
  for (const a of plan.assignments) {
    if (a.cancelled || a.p >= plan.P) continue
    const s = span.get(a.prj) ?? [Infinity, -Infinity]
    span.set(a.prj, [Math.min(s[0], a.start), Math.max(s[1], a.end)])
  }
  const tm = plan.projects.filter((p) => p.billing === 0 && p.createdErp !== null && span.has(p.idx))
  let invoices = 0
  for (const b of plan.billing) for (const p of tm) if (span.get(p.idx)![0] <= b.end && span.get(p.idx)![1] >= b.month) invoices++
  plan.invoiceMod = Math.max(4, Math.floor(invoices / Math.max(4, invoices / 100)))
  const m = plan.missedMonth
  const candidates = tm.filter((p) => span.get(p.idx)![0] < m && span.get(p.idx)![1] > addMonths(m, 1))
  plan.missedProjects = rng.shuffle(candidates).slice(0, Math.max(2, Math.round(plan.projects.length / 100))).map((p) => p.key).sort()
}

/**
 * Spreads `total` rows over the weekdays of the year in proportion to the people employed each
 * day, and over those people round-robin: the employed are one contiguous index range per day.
 */
function allocate(total: number, people: Person[], P: number, leavers: number, hires: number, ws: number, D: number): DaySlot[] {
  const terms = people.slice(0, leavers).map((p) => p.term!)
  const hireDays = people.slice(P - hires, P).map((p) => p.hire)
  const raw: { day: number; a: number; e: number }[] = []
  for (let d = ws; d < D; d++) {
    if (!isWeekday(d)) continue
    const a = terms.filter((t) => t < d).length
    const e = P - hires - a + hireDays.filter((h) => h <= d).length
    raw.push({ day: d, a, e })
  }
  const S = raw.reduce((s, r) => s + r.e, 0)
  let cum = 0
  let off = 0
  return raw.map((r) => {
    cum += r.e
    const end = Math.floor((total * cum) / S)
    const slot = { ...r, off, cnt: end - off }
    off = end
    return slot
  })
}

/** Expected exceptions of the rules whose plants live in the plan (CONTRACT §4 wording). */
function plannedCounts(p: Plan): Record<string, number> {
  const { D, asOf } = p
  const odPsa = Math.floor(p.final.psa / DAY)
  const prj = (a: Assignment) => p.projects[a.prj]
  const person = (a: Assignment) => p.people[a.p]
  const activeAtEnd = (a: Assignment) => !a.cancelled && (a.stayActive || a.end >= odPsa) && a.start - 10 <= odPsa
  const cardAt = (pr: Project, role: number, day: number) => (pr.split !== null && day >= pr.split ? pr.inc[role] : pr.base[role])
  const psaRate = (a: Assignment) => {
    const pr = prj(a)
    const at = Math.min(odPsa, a.end)
    return a.rateMode === 1 ? pr.base[person(a).role] : cardAt(pr, person(a).role, at) + (a.rateMode === 2 ? a.rateDelta : 0)
  }
  const active = p.assignments.filter(activeAtEnd)
  return {
    won_opportunity_without_project: p.opps.filter((o) => o.orphan && o.wonAt! < asOf - 48 * HOUR).length,
    project_missing_in_erp: p.projects.filter((x) => x.plant === 'missing_in_erp' && x.createdPsa! < asOf - 24 * HOUR).length,
    project_missing_in_psa: p.projects.filter((x) => x.plant === 'missing_in_psa' && x.createdErp! < asOf - 24 * HOUR).length,
    resource_missing_in_psa: p.people.filter((x) => !x.inPsa && x.employment === 'employee' && x.hire < D - 7 && x.term === null).length,
    resource_cost_rate_mismatch: p.people.filter((x) => x.inPsa && !x.psaCostNull && x.raise <= Math.floor(p.final.hr / DAY) && x.costNew !== x.costOld).length,
    assignment_terminated_resource: active.filter((a) => person(a).untold && person(a).term! < D && a.end > person(a).term!).length,
    assignment_on_closed_project: active.filter((a) => prj(a).end !== null && prj(a).end! < odPsa && prj(a).createdErp !== null).length,
    assignment_rate_mismatch: active.filter((a) => prj(a).billing !== 2 && prj(a).createdErp !== null && Math.abs(psaRate(a) - cardAt(prj(a), person(a).role, D)) > 0.005).length,
    assignment_without_recent_time: active.filter((a) => {
      if (a.start > D - 14 || a.end < D) return false
      const who = person(a)
      const quietFrom = who.untold ? who.term! + 1 : a.k === 3 && who.silent ? who.silent : null
      return quietFrom !== null && quietFrom <= D - 13
    }).length,
    source_stale: 1,
  }
}

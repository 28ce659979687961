// The firm's foreign business (EUR and GBP engagements, contractors paid in pounds, the ERP's
// monthly exchange rates) and the plants of the rules on measures: time entered twice, projects
// past their budgeted hours, people planned beyond their capacity. Runs last, once every other
// record is decided, so that the measures are read off the final model.
import { addMonths, isWeekday } from './rng.ts'
import { nearMiss, pad, type Assignment, type Entry, type Person, type Project, type World } from './world.ts'

/** Monday-Friday days in [from, to]: whole weeks, then the days left over. */
function weekdays(from: number, to: number): number {
  const days = to - from + 1
  if (days <= 0) return 0
  let n = Math.floor(days / 7) * 5
  for (let d = to - (days % 7) + 1; d <= to; d++) if (isWeekday(d)) n++
  return n
}

/** Two EMEA engagements billed in EUR and GBP, EMEA contractors paid in GBP, and the rates. */
export function genForeign(w: World): void {
  const { D } = w
  const candidates = w.projects.filter((p) => p.inErp && p.inPsa && !p.internal && p.billing === 'time_and_materials' && p.status === 'active')
  const byKey = (a: Project, b: Project) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  const emea = [...candidates.filter((p) => p.region === 'EMEA').sort(byKey), ...candidates.filter((p) => p.region !== 'EMEA').sort(byKey)]
  if (emea[0]) emea[0].currency = 'EUR'
  if (emea[1]) emea[1].currency = 'GBP'
  // Contractors abroad invoice in pounds (about 1.27 USD); one whose PSA copy differs keeps USD,
  // so the rate planted between HR and PSA stays the only difference.
  for (const p of w.people)
    if (p.employment === 'contractor' && p.region === 'EMEA' && p.psaCostCents === undefined) {
      p.currency = 'GBP'
      p.costCents = Math.round(p.costCents / 1.27)
    }
  // A rate for every month end from before the first record to D: every record converts.
  for (let m = addMonths(w.windowStart, -1), i = 0; addMonths(m, 1) - 1 <= D; m = addMonths(m, 1), i++) {
    const day = addMonths(m, 1) - 1
    w.fxRates.push({ currency: 'EUR', day, rate: (1.075 + 0.0035 * ((i * 5) % 7)).toFixed(4) })
    w.fxRates.push({ currency: 'GBP', day, rate: (1.255 + 0.004 * ((i * 3) % 5)).toFixed(4) })
  }
}

const groupKey = (e: Entry, day = e.day, hours = e.hours) => `${e.resourceKey}|${e.projectKey}|${day}|${hours}`

/** duplicate_time_entry: the same day's time entered twice under a second key, and near misses. */
export function plantDuplicates(w: World): void {
  const { rng, D, asOf } = w
  // Everything below happens in the last 12 days: only their entries are read (there are 100k at scale 10).
  const recent = w.entries.filter((e) => e.day >= D - 12)
  const taken = new Set(recent.filter((e) => e.status !== 'rejected').map((e) => groupKey(e)))
  const used = new Set<string>()
  const pick = (pred: (e: Entry) => boolean): Entry | null => {
    const e = rng.shuffle(recent.filter((e) => !used.has(`${e.resourceKey}|${e.projectKey}`) && pred(e)))[0] ?? null
    if (e) used.add(`${e.resourceKey}|${e.projectKey}`)
    return e
  }
  // Approved, synced as it is, not invoiced yet: a copy of it disturbs no other rule.
  const clean = (e: Entry) => e.status === 'approved' && e.erp === 'full' && e.erpHoursFull === undefined && e.erpHours === e.hours &&
    e.invoiceKey === null && !e.noInvoice && e.approvedAt! < asOf - 26 * 3_600_000
  const copy = (e: Entry, suffix: string, over: Partial<Entry>): Entry => {
    const c: Entry = { ...e, key: `${e.key}-${suffix}`, ...over }
    w.entries.push(c)
    return c
  }
  const foreign = (e: Entry) => w.byKey.project.get(e.projectKey)!.currency !== undefined
  const plant = (e: Entry | null, over: Partial<Entry>) => {
    if (!e) return
    w.planted.duplicate_time_entry.push(copy(e, 'D', over).key)
    nearMiss(w, 'duplicate_time_entry', e.key) // the first key is the one kept
  }
  // Entered twice and both approved and synced: billed twice unless someone notices.
  plant(pick((e) => clean(e) && e.billable && !foreign(e)), {})
  // Submitted again on a foreign engagement, waiting for approval.
  plant(pick((e) => clean(e) && e.billable && foreign(e)) ?? pick((e) => clean(e) && e.billable), { status: 'submitted', approvedAt: null, erp: 'none' })
  // Bench time booked twice as a draft: nothing billable at risk.
  plant(pick((e) => clean(e) && !e.billable), { status: 'draft', approvedAt: null, erp: 'none' })
  // Near misses: the same hours on the next free day; a quarter hour more on the same day; a
  // copy its manager rejected.
  const moved = pick((e) => clean(e) && e.billable)
  if (moved) {
    let day = moved.day + 1
    while (taken.has(groupKey(moved, day)) || !isWeekday(day)) day++
    if (day < D) nearMiss(w, 'duplicate_time_entry', copy(moved, 'N', { day, status: 'submitted', approvedAt: null, erp: 'none' }).key)
  }
  const more = pick((e) => clean(e) && e.billable && !taken.has(groupKey(e, e.day, e.hours + 0.25)))
  if (more) nearMiss(w, 'duplicate_time_entry', copy(more, 'H', { hours: more.hours + 0.25, erpHours: more.hours + 0.25, status: 'submitted', approvedAt: null, erp: 'none' }).key)
  const rejected = pick((e) => clean(e) && e.billable)
  if (rejected) nearMiss(w, 'duplicate_time_entry', copy(rejected, 'R', { status: 'rejected', approvedAt: null, erp: 'none' }).key)
}

/** Approved PSA hours up to D, by project. */
function approvedHours(w: World): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of w.entries) if (e.status === 'approved' && e.day <= w.D) out.set(e.projectKey, (out.get(e.projectKey) ?? 0) + e.hours)
  return out
}

/** project_over_budget: budgets the work has outrun, and near misses. */
export function plantBudgets(w: World): void {
  const { rng } = w
  const hours = approvedHours(w)
  const open = (p: Project) => p.inErp && p.status !== 'closed' && !p.internal && (p.budgetHours ?? 0) > 0
  const planted = new Set<string>()
  const take = (pred: (p: Project) => boolean): Project | null => {
    const p = rng.shuffle(w.projects.filter((p) => !planted.has(p.key) && pred(p)))[0] ?? null
    if (p) planted.add(p.key)
    return p
  }
  const worked = (p: Project) => open(p) && p.inPsa && p.status === 'active' && (hours.get(p.key) ?? 0) >= 200
  // A change request never raised, scope creep on the EUR engagement, a slip of a few hours.
  for (const [p, budget] of [
    [take(worked), (h: number) => Math.floor(h * 0.8)],
    [take((p) => worked(p) && p.currency === 'EUR') ?? take(worked), (h: number) => Math.floor(h * 0.9)],
    [take(worked), (h: number) => h - 6.5],
  ] as const) {
    if (!p) continue
    p.budgetHours = budget(hours.get(p.key)!)
    w.planted.project_over_budget.push(p.key)
  }
  // Near misses: used to the last quarter hour; a closed project whose overrun is history.
  const met = take(worked)
  if (met) {
    met.budgetHours = hours.get(met.key)!
    nearMiss(w, 'project_over_budget', met.key)
  }
  const closed = take((p) => p.inErp && p.status === 'closed' && (hours.get(p.key) ?? 0) >= 40)
  if (closed) {
    closed.budgetHours = Math.floor(hours.get(closed.key)! / 2)
    nearMiss(w, 'project_over_budget', closed.key)
  }
  // Otherwise budgets cover the work so far: a plan that ran over is re-baselined.
  for (const p of w.projects)
    if (!planted.has(p.key) && open(p) && (hours.get(p.key) ?? 0) > p.budgetHours!) p.budgetHours = Math.ceil(hours.get(p.key)! / 10) * 10 + 40
}

/** People active in HR on D, with their active assignments running on D that have a weekday. */
function runningOnD(w: World): Map<Person, Assignment[]> {
  const out = new Map<Person, Assignment[]>()
  for (const p of w.people) if (p.term === null || p.term >= w.D) out.set(p, [])
  for (const a of w.assignments) {
    if (a.status !== 'active' || a.openEnded || a.start > w.D || a.end < w.D || !weekdays(a.start, a.end)) continue
    out.get(w.byKey.person.get(a.resourceKey)!)?.push(a)
  }
  return out
}

const weeklyLoad = (as: Assignment[]) => as.reduce((s, a) => s + (a.plannedHours * 5) / weekdays(a.start, a.end), 0)

/** resource_overallocated: plans split across engagements, then people planned beyond capacity. */
export function plantLoad(w: World): void {
  const { rng, D } = w
  const running = runningOnD(w)
  // Someone on two engagements logs half a day to each; the plans are split the same way.
  for (const [p, as] of running) {
    const load = weeklyLoad(as)
    if (load > p.capacity) for (const a of as) a.plannedHours = Math.max(1, Math.floor((a.plannedHours * p.capacity) / load))
  }
  // One running engagement on an active project: a plan that is easy to read off.
  const single = rng.shuffle([...running].filter(([p, as]) => p.term === null && as.length === 1 &&
    w.byKey.project.get(as[0].projectKey)!.status === 'active').map(([p, as]) => ({ p, a: as[0], wd: weekdays(as[0].start, as[0].end) })))
  const next = (pred: (c: (typeof single)[number]) => boolean = () => true) => {
    const i = single.findIndex(pred)
    return i < 0 ? undefined : single.splice(i, 1)[0]
  }
  const planted = (c: { p: Person } | undefined) => c && w.planted.resource_overallocated.push(c.p.key)

  // Double-booked: a second full-time engagement (40 h a week) on top of one of 8 h or more.
  const twice = next((c) => weeklyLoad([c.a]) >= 8)
  if (twice) {
    const mine = new Set(w.assignments.filter((a) => a.resourceKey === twice.p.key).map((a) => a.projectKey))
    const prj = rng.shuffle(w.projects.filter((p) => p.status === 'active' && p.inPsa && p.inErp && !p.internal &&
      p.start <= D - 3 && p.end !== null && p.end >= D + 30 && !mine.has(p.key)))[0]
    if (prj) {
      const end = Math.min(prj.end!, D + 60)
      w.assignments.push({
        key: `ASN-${pad(w.assignments.length, 6)}`, projectKey: prj.key, resourceKey: twice.p.key, role: twice.p.role, start: D - 3, end,
        plannedHours: weekdays(D - 3, end) * 8, status: 'active', rateOverride: null, silentFrom: null, forceDay: null,
      })
      planted(twice)
    }
  }
  // Planned at 50 h a week; planned at 38 h for someone who went part-time (32 h).
  const heavy = next()
  if (heavy) { heavy.a.plannedHours = heavy.wd * 10; planted(heavy) }
  const part = next()
  if (part) { part.a.plannedHours = Math.round(part.wd * 760) / 100; part.p.capacity = 32; planted(part) }
  // Near misses: planned at exactly 1.1 × 40 h; an open-ended support role PSA gives no end_date.
  const edge = next()
  if (edge) { edge.a.plannedHours = Math.round(edge.wd * 880) / 100; nearMiss(w, 'resource_overallocated', edge.p.key) }
  const open = next()
  const support = open && rng.shuffle(w.projects.filter((p) => p.status === 'active' && p.inPsa && p.inErp && !p.internal && p.key !== open.a.projectKey && p.start <= D - 5))[0]
  if (open && support) {
    w.assignments.push({
      key: `ASN-${pad(w.assignments.length, 6)}`, projectKey: support.key, resourceKey: open.p.key, role: open.p.role, start: D - 5,
      end: support.end ?? D + 365, plannedHours: 400, status: 'active', rateOverride: null, silentFrom: null, forceDay: null, openEnded: true,
    })
    nearMiss(w, 'resource_overallocated', open.p.key)
  }
}

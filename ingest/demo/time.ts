// Daily PSA time (Mon-Fri) from the staffing plan, its approval flow, the ERP sync, and expenses.
import { HOUR_MS, addMonths, dayStart, firstOfMonth, isWeekday, quarter, weekdayAtOrBefore } from './rng.ts'
import { cardRate } from './deals.ts'
import { pad, type Assignment, type Entry, type Person, type World } from './world.ts'

export function genTime(w: World): void {
  const { rng, D, asOf } = w
  const project = (k: string) => w.byKey.project.get(k)!
  const byPerson = new Map<string, Assignment[]>()
  for (const a of w.assignments) {
    if (a.status === 'cancelled' || !project(a.projectKey).inPsa) continue
    if (!byPerson.has(a.resourceKey)) byPerson.set(a.resourceKey, [])
    byPerson.get(a.resourceKey)!.push(a)
  }
  const internal = new Map(w.projects.filter((p) => p.internal).map((p) => [p.practice, p.key]))
  const last = new Map<string, number>()

  const push = (p: Person, a: Assignment | null, projectKey: string, day: number, hours: number) => {
    const prj = project(projectKey)
    const billable = prj.billing !== 'non_billable'
    const rate = billable && a ? (a.rateOverride ?? cardRate(w, projectKey, a.role, day)) : null
    let status: Entry['status'] = 'approved'
    let approvedAt: number | null = null
    if (day >= D) status = 'draft'
    else if (rng.chance(0.003)) status = 'rejected'
    else {
      // Managers approve one to four days later, during their working day.
      approvedAt = dayStart(day + rng.int(1, 4)) + rng.int(8 * 60, 19 * 60) * 60_000
      if (approvedAt > w.observed.psa) { status = day >= D - 1 && rng.chance(0.5) ? 'draft' : 'submitted'; approvedAt = null }
    }
    // The integration copies approved time to the ERP every few hours.
    const erp = status === 'approved' && approvedAt! <= asOf - 6 * HOUR_MS ? 'full' : 'none'
    w.entries.push({
      key: `TE-${pad(w.entries.length, 7)}`, resourceKey: p.key, projectKey, day, hours, billable, status,
      rate, approvedAt, erp, erpHours: hours, invoiceKey: null,
    })
    // The rules look at time by (resource, project), whichever assignment it was booked against.
    const k = `${p.key}|${projectKey}`
    last.set(k, Math.max(last.get(k) ?? -Infinity, day))
  }

  for (const p of w.people) {
    if (!p.inPsa) continue
    const asns = byPerson.get(p.key) ?? []
    const to = Math.min(D, p.term ?? D)
    for (let d = Math.max(w.windowStart, p.hire); d <= to; d++) {
      const forced = asns.filter((a) => a.forceDay === d)
      if (forced.length) { for (const a of forced) push(p, a, a.projectKey, d, 8); continue }
      if (!isWeekday(d) || rng.chance(0.045)) continue // weekend or a day off
      const covering = asns.filter((a) => a.start <= d && d <= a.end && (a.silentFrom === null || d < a.silentFrom) &&
        (project(a.projectKey).holdFrom === null || d < project(a.projectKey).holdFrom!))
      if (!covering.length) {
        // On the bench: some people book practice development, most book nothing.
        if (rng.chance(0.35)) push(p, null, internal.get(p.practice)!, d, 8)
        continue
      }
      const total = Math.min(10, Math.max(2, quarter(8 * p.util * rng.float(0.85, 1.15))))
      // With many engagements a day goes to two of them, rotating, so each sees time every few days.
      const chosen = covering.length <= 2 ? covering : covering.filter((_, i) => (d + i) % covering.length < 2)
      const quarters = Math.round(total * 4)
      const each = Math.max(1, Math.floor(quarters / chosen.length))
      chosen.forEach((a, i) => {
        const q = i === 0 ? Math.max(1, quarters - each * (chosen.length - 1)) : each
        push(p, a, a.projectKey, d, q / 4)
      })
    }
  }

  // Guarantee: apart from the plants, every running assignment has time in the last 14 days.
  for (const a of w.assignments) {
    const p = w.byKey.person.get(a.resourceKey)!
    const prj = project(a.projectKey)
    if (a.status !== 'active' || a.start > D - 14 || a.end < D || a.silentFrom !== null || !prj.inPsa || !p.inPsa) continue
    if (prj.holdFrom !== null || (p.term !== null && p.term < D)) continue
    if ((last.get(`${a.resourceKey}|${a.projectKey}`) ?? -Infinity) >= D - 13) continue
    push(p, a, a.projectKey, weekdayAtOrBefore(D - 1), 4)
  }
  for (const a of w.assignments) {
    if (a.status !== 'active' || a.start > D - 14 || a.end < D || !project(a.projectKey).inPsa) continue
    if ((last.get(`${a.resourceKey}|${a.projectKey}`) ?? -Infinity) < D - 13) w.planted.assignment_without_recent_time.push(a.key)
  }
  w.entries.sort((x, y) => x.day - y.day || (x.resourceKey < y.resourceKey ? -1 : x.resourceKey > y.resourceKey ? 1 : 0))
  w.entries.forEach((e, i) => { e.key = `TE-${pad(i, 7)}` })
}

export function genExpenses(w: World): void {
  const { rng, D } = w
  for (const a of w.assignments) {
    const prj = w.byKey.project.get(a.projectKey)!
    if (a.status === 'cancelled' || prj.billing === 'non_billable' || !prj.inPsa) continue
    const from = Math.max(a.start, w.windowStart)
    const to = Math.min(a.end, D, a.silentFrom ?? Infinity, w.byKey.person.get(a.resourceKey)!.term ?? Infinity)
    for (let m = firstOfMonth(from); m <= to; m = addMonths(m, 1)) {
      if (!rng.chance(0.14)) continue
      const lo = Math.max(m, from)
      const hi = Math.min(addMonths(m, 1) - 1, to)
      if (hi < lo) continue
      const day = weekdayAtOrBefore(rng.int(lo, hi))
      if (day < lo) continue
      const approved = day <= D - 5
      w.expenses.push({
        key: '', resourceKey: a.resourceKey, projectKey: prj.key, day, cents: rng.int(80_00, 3_500_00),
        billable: prj.billing === 'time_and_materials', status: approved ? 'approved' : 'submitted',
        inErp: approved, invoiceKey: null,
      })
    }
  }
  w.expenses.sort((x, y) => x.day - y.day)
  w.expenses.forEach((e, i) => { e.key = `EX-${pad(i, 6)}` })
}

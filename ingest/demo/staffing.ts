// PSA staffing: who works on which project when, plus the budgets that follow from the plan.
import { isWeekday, roundTo } from './rng.ts'
import { cardRate } from './deals.ts'
import { ROLES, pad, type Assignment, type Person, type World } from './world.ts'

/** Share of a working day each role plans on one engagement. */
const ALLOCATION = [0.15, 0.25, 0.6, 0.9, 0.9, 0.9]

function weekdays(from: number, to: number): number {
  let n = 0
  for (let d = from; d <= to; d++) if (isWeekday(d)) n++
  return n
}

export function genStaffing(w: World): void {
  const { rng, D } = w
  const byRole: Person[][] = ROLES.map(() => [])
  for (const p of w.people) if (p.inPsa) byRole[p.role].push(p)
  const load = new Map<string, [number, number][]>()
  const overlap = (key: string, s: number, e: number): number => {
    let n = 0
    for (const [s2, e2] of load.get(key) ?? []) n += Math.max(0, Math.min(e, e2) - Math.max(s, s2) + 1)
    return n
  }
  let n = 0
  const projects = w.projects
    .filter((p) => p.inPsa && !p.internal && p.end !== null && p.end >= w.windowStart - 20)
    .sort((a, b) => a.start - b.start)
  for (const prj of projects) {
    const end = prj.end!
    const team = [rng.chance(0.5) ? 0 : 1, 2, 3, 4]
    if (rng.chance(0.6)) team.push(3)
    if (rng.chance(0.6)) team.push(4)
    if (rng.chance(0.5)) team.push(5)
    const onTeam = new Set<string>()
    for (const role of team) {
      // Leads stay for the whole engagement; the team rolls on and off in stints of 6-17 weeks.
      let s = prj.start
      let e = end
      const len = end - prj.start
      if (role > 2 && len > 100 && !rng.chance(0.35)) {
        const seg = rng.int(42, Math.min(120, len))
        s = prj.start + rng.int(0, len - seg)
        e = Math.min(end, s + seg)
      }
      let best: Person | null = null
      let bestScore = Infinity
      for (const cand of byRole[role]) {
        if (cand.hire > s + 20 || (cand.term !== null && cand.term < s + 20) || onTeam.has(cand.key)) continue
        const score = overlap(cand.key, s, e) + (cand.practice === prj.practice ? 0 : 30) +
          (cand.region === prj.region ? 0 : 10) + rng.next() * 15
        if (score < bestScore) { bestScore = score; best = cand }
      }
      if (!best) continue
      onTeam.add(best.key)
      s = Math.max(s, best.hire)
      if (best.term !== null) e = Math.min(e, best.term)
      if (!load.has(best.key)) load.set(best.key, [])
      load.get(best.key)!.push([s, e])
      w.assignments.push({
        key: `ASN-${pad(n++, 6)}`, projectKey: prj.key, resourceKey: best.key, role, start: s, end: e,
        plannedHours: Math.max(8, Math.round(weekdays(s, e) * 8 * ALLOCATION[role])),
        status: e < D ? 'completed' : 'active', rateOverride: null, silentFrom: null, forceDay: null,
      })
    }
  }
  fillBench(w, load, () => `ASN-${pad(n++, 6)}`)
  // A start that was called off: cancelled assignments never count as active.
  const planned = w.assignments.filter((a) => w.byKey.project.get(a.projectKey)!.status === 'planned')
  if (planned.length) rng.pick(planned).status = 'cancelled'
}

/** Budgets and deal amounts follow from the staffing plan (priced at the rate cards plus margin). */
export function genBudgets(w: World): void {
  const { rng } = w
  const byProject = new Map<string, Assignment[]>()
  for (const a of w.assignments) {
    if (!byProject.has(a.projectKey)) byProject.set(a.projectKey, [])
    byProject.get(a.projectKey)!.push(a)
  }
  for (const p of w.projects) {
    if (p.internal) continue
    const team = byProject.get(p.key) ?? []
    const lead = team.find((a) => a.role === 2) ?? team[0]
    if (lead) p.manager = w.byKey.person.get(lead.resourceKey)!.email
    if (p.budgetCents === null) {
      const hours = team.reduce((s, a) => s + a.plannedHours, 0)
      const value = team.reduce((s, a) => s + a.plannedHours * (cardRate(w, p.key, a.role, a.start) ?? roundTo(ROLES[a.role].rate * p.discount, 5)), 0)
      p.budgetHours = hours || null
      // Fixed fees carry a risk premium; non-billable pilots have no budget to burn down.
      const margin = p.billing === 'fixed_fee' ? rng.float(1.1, 1.25) : rng.float(1.02, 1.15)
      p.budgetCents = p.billing === 'non_billable' || !hours ? null : roundTo(value * margin, 100) * 100
    }
    const opp = w.opps.find((o) => o.key === p.oppKey)
    if (opp) opp.amountCents = p.budgetCents ?? rng.int(50, 400) * 100_000
  }
}

/**
 * Resource managers staff idle people: a bench of more than three weeks is rare. Without this,
 * utilization would swing with the random project calendar instead of sitting around 60-80%.
 */
function fillBench(w: World, load: Map<string, [number, number][]>, nextKey: () => string): void {
  const { rng, D } = w
  // Idle people go where they can bill.
  const open = w.projects.filter((p) => p.inPsa && p.inErp && p.billing !== 'non_billable' && p.status !== 'planned' && p.end !== null)
  for (const person of w.people) {
    if (!person.inPsa) continue
    const mine = load.get(person.key) ?? []
    mine.sort((a, b) => a[0] - b[0])
    const from = Math.max(w.windowStart, person.hire)
    const to = Math.min(D + 30, person.term ?? Infinity)
    const gaps: [number, number][] = []
    let cursor = from
    for (const [s, e] of mine) {
      if (s - cursor >= 21) gaps.push([cursor, s - 1])
      cursor = Math.max(cursor, e + 1)
    }
    if (to - cursor >= 21) gaps.push([cursor, to])
    for (const [gs, ge] of gaps) {
      if (rng.chance(0.2)) continue // a genuine bench: between engagements, training, leave
      const staffed = new Set(w.assignments.filter((a) => a.resourceKey === person.key).map((a) => a.projectKey))
      const fits = open.filter((p) => !staffed.has(p.key) && Math.min(ge, p.end!) - Math.max(gs, p.start) >= 14)
      const same = fits.filter((p) => p.practice === person.practice)
      const prj = same.length ? rng.pick(same) : fits.length ? rng.pick(fits) : null
      if (!prj) continue
      const s = Math.max(gs, prj.start)
      const e = Math.min(ge, prj.end!)
      mine.push([s, e])
      w.assignments.push({
        key: nextKey(), projectKey: prj.key, resourceKey: person.key, role: person.role, start: s, end: e,
        plannedHours: Math.max(8, Math.round(weekdays(s, e) * 8 * ALLOCATION[person.role])),
        status: e < D ? 'completed' : 'active', rateOverride: null, silentFrom: null, forceDay: null,
      })
    }
    load.set(person.key, mine)
  }
}

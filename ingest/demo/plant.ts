// Planted discrepancies on staffing and time: each one is a realistic integration failure
// (a termination PSA never heard of, a rate change nobody propagated, a sync that dropped lines),
// placed relative to as_of so that the rules of CONTRACT §4 fire on exactly these keys.
import { DAY_MS, HOUR_MS, firstOfMonth, isWeekday, quarter } from './rng.ts'
import { cardRate } from './deals.ts'
import { nearMiss, pad, type Assignment, type Entry, type Person, type Project, type World } from './world.ts'

/** Plants made before time is generated, because they change who logs time when. */
export function plantStaffing(w: World): void {
  const pick = new AssignmentPicker(w)
  plantLeavers(w, pick)
  plantClosedProjects(w)
  plantRateMismatches(w, pick)
  plantQuietAssignments(w, pick)
}

/** Draws assignments for plants, at most one per consultant, so plants never overlap. */
class AssignmentPicker {
  private used = new Set<string>()

  constructor(private w: World) {}

  proj(a: Assignment): Project {
    return this.w.byKey.project.get(a.projectKey)!
  }

  person(a: Assignment): Person {
    return this.w.byKey.person.get(a.resourceKey)!
  }

  isUsed(a: Assignment): boolean {
    return this.used.has(a.resourceKey)
  }

  /** Active, on an active ERP-known project, started `minStartAge` days ago, running on. */
  eligible(a: Assignment, minStartAge: number): boolean {
    const { D } = this.w
    return a.status === 'active' && !this.used.has(a.resourceKey) && this.person(a).term === null && this.proj(a).status === 'active' &&
      this.proj(a).inErp && a.start <= D - minStartAge && a.end >= D + 5
  }

  take(pred: (a: Assignment) => boolean): Assignment | null {
    const a = this.w.rng.shuffle(this.w.assignments.filter(pred))[0] ?? null
    if (a) this.used.add(a.resourceKey)
    return a
  }
}

/** assignment_terminated_resource: leavers PSA was never told about, and near misses. */
function plantLeavers(w: World, pick: AssignmentPicker): void {
  const { D } = w
  // Left 5, 21, 44 days ago.
  for (const ago of [5, 21, 44]) {
    const a = pick.take((a) => pick.eligible(a, ago + 20) && pick.person(a).role >= 2)
    if (!a) continue
    const p = pick.person(a)
    p.term = D - ago
    p.psaStillActive = true
    for (const b of w.assignments) if (b.resourceKey === p.key && b.status === 'active' && b.end > p.term) w.planted.assignment_terminated_resource.push(b.key)
  }
  // Near misses: a leaver whose assignments were ended on the last day, one leaving today.
  const tidy = pick.take((a) => pick.eligible(a, 40))
  if (tidy) {
    const p = pick.person(tidy)
    p.term = D - 10
    for (const b of w.assignments) {
      if (b.resourceKey !== p.key || b.status !== 'active') continue
      if (b.start > p.term) b.status = 'cancelled'
      else b.end = Math.min(b.end, p.term)
    }
    nearMiss(w, 'assignment_terminated_resource', tidy.key)
  }
  const today = pick.take((a) => pick.eligible(a, 30))
  if (today) {
    pick.person(today).term = D
    nearMiss(w, 'assignment_terminated_resource', today.key)
  }
}

/** assignment_on_closed_project: closed in the ERP, never closed out in PSA. */
function plantClosedProjects(w: World): void {
  // The two most recently closed projects: the close-out step is what gets forgotten.
  const closed = w.projects.filter((p) => p.status === 'closed' && p.inErp && p.inPsa).sort((a, b) => b.end! - a.end!).slice(0, 2)
  for (const p of closed) {
    p.psaStatus = 'active'
    let n = 0
    for (const a of w.assignments) {
      if (a.projectKey !== p.key || a.end !== p.end || w.byKey.person.get(a.resourceKey)!.term !== null || n++ >= 3) continue
      a.status = 'active'
      w.planted.assignment_on_closed_project.push(a.key)
    }
  }
}

/** assignment_rate_mismatch: PSA kept the pre-increase rate, or was keyed in wrong. */
function plantRateMismatches(w: World, pick: AssignmentPicker): void {
  const { D } = w
  const increased = (a: Assignment) => {
    const old = cardRate(w, a.projectKey, a.role, a.start)
    return old !== null && old !== cardRate(w, a.projectKey, a.role, D) ? old : null
  }
  const billableActive = (a: Assignment) => pick.eligible(a, 0) && pick.proj(a).billing !== 'non_billable' && cardRate(w, a.projectKey, a.role, D) !== null
  for (let i = 0; i < 2; i++) {
    const a = pick.take((a) => billableActive(a) && increased(a) !== null)
    if (!a) continue
    a.rateOverride = increased(a)
    w.planted.assignment_rate_mismatch.push(a.key)
  }
  for (const delta of [-25, 50, -75]) {
    const a = pick.take(billableActive)
    if (!a) continue
    a.rateOverride = cardRate(w, a.projectKey, a.role, D)! + delta
    w.planted.assignment_rate_mismatch.push(a.key)
  }
  // Near miss: a completed assignment with a stale rate is history, not an exception.
  const done = pick.take((a) => a.status === 'completed' && pick.proj(a).billing !== 'non_billable' && cardRate(w, a.projectKey, a.role, a.end) !== null && !pick.isUsed(a))
  if (done) {
    done.rateOverride = cardRate(w, done.projectKey, done.role, done.end)! + 20
    nearMiss(w, 'assignment_rate_mismatch', done.key)
  }
  // Near miss: active assignments on the project whose next rate card is loaded but not yet effective.
  const future = w.cards.find((c) => c.key.endsWith('-2') && c.from !== null && c.from > D)
  for (const a of w.assignments)
    if (future && a.projectKey === future.projectKey && a.status === 'active' && a.rateOverride === null) nearMiss(w, 'assignment_rate_mismatch', a.key)
}

/** assignment_without_recent_time: consultants who went quiet 16-60 days ago, and near misses. */
function plantQuietAssignments(w: World, pick: AssignmentPicker): void {
  const { rng, D } = w
  for (const ago of [16, 22, 35, 60]) {
    const a = pick.take((a) => pick.eligible(a, ago + 10))
    if (a) a.silentFrom = D - ago // recorded with the derived cases after time is generated
  }
  // Near misses: last time exactly 13 days ago; a new assignment (10 days) with no time yet.
  const edge = pick.take((a) => pick.eligible(a, 30))
  if (edge) {
    edge.forceDay = D - 13
    edge.silentFrom = D - 12
    nearMiss(w, 'assignment_without_recent_time', edge.key)
  }
  const fresh = pick.take((a) => pick.eligible(a, 30))
  if (!fresh) return
  const key = `ASN-${pad(w.assignments.length, 6)}`
  const mine = new Set(w.assignments.filter((a) => a.resourceKey === fresh.resourceKey).map((a) => a.projectKey))
  const others = w.projects.filter((p) => p.status === 'active' && p.inPsa && p.inErp && !p.internal && p.end! > D + 30 && !mine.has(p.key))
  const other = others.length ? rng.pick(others) : null
  if (!other) return
  w.assignments.push({
    key, projectKey: other.key, resourceKey: fresh.resourceKey, role: fresh.role, start: D - 10, end: other.end!,
    plannedHours: 240, status: 'active', rateOverride: null, silentFrom: D - 10, forceDay: null,
  })
  nearMiss(w, 'assignment_without_recent_time', key)
}

/** Plants on the ERP copies of time entries. */
export function plantTime(w: World): void {
  const { rng, D, asOf } = w
  const used = new Set<string>()
  // Never invoiced: an invoice is dated at least 3 days after its month ends, and before as_of.
  const recentFrom = firstOfMonth(D - 3)
  const recentDays = (e: Entry) => e.day >= recentFrom
  const take = (pred: (e: Entry) => boolean, n: number): Entry[] => {
    const pool = w.entries.filter((e) => !used.has(e.key) && pred(e))
    // A partial Fisher-Yates: only n draws, the pool can hold 100k entries at scale 10.
    for (let i = 0; i < Math.min(n, pool.length); i++) {
      const j = rng.int(i, pool.length - 1)
      ;[pool[i], pool[j]] = [pool[j], pool[i]]
      used.add(pool[i].key)
    }
    return pool.slice(0, n)
  }
  const synced = (e: Entry) => e.erp === 'full' && e.approvedAt! < asOf - 26 * HOUR_MS

  // time_entry_missing_in_erp: the nightly sync of one day rejected some lines (trace fails too) ...
  let day = D - rng.int(6, 12)
  while (!isWeekday(day)) day--
  w.syncFailDay = day
  for (const e of take((e) => synced(e) && Math.floor(e.approvedAt! / DAY_MS) === day, 4)) {
    e.erp = 'none'
    w.planted.time_entry_missing_in_erp.push(e.key)
  }
  // ... and a few lines went missing at random over the months (one non-billable: zero at risk).
  for (const e of [...take((e) => synced(e) && e.billable && e.rate! >= 300, 3), ...take((e) => synced(e) && e.billable, 3), ...take((e) => synced(e) && !e.billable, 1)]) {
    e.erp = 'none'
    w.planted.time_entry_missing_in_erp.push(e.key)
  }
  // Near misses: approved 3 h ago (sync not due yet); two lines the full snapshot missed but the
  // later delta batch delivered.
  const late = take((e) => e.status === 'submitted' && e.day < D, 1)[0]
  if (late) {
    Object.assign(late, { status: 'approved', approvedAt: asOf - 3 * HOUR_MS, erp: 'none' })
    nearMiss(w, 'time_entry_missing_in_erp', late.key)
  }
  for (const e of take((e) => synced(e) && recentDays(e), 2)) {
    e.erp = 'delta'
    nearMiss(w, 'time_entry_missing_in_erp', e.key)
  }

  // time_entry_hours_mismatch: typos and partial edits in the ERP copy.
  const edits: ((h: number) => number)[] = [
    (h) => h + 1, (h) => h + 10, (h) => h + 0.5, (h) => quarter(h / 10), (h) => h - 1.75, (h) => h + 2,
    (h) => h + 0.25, (h) => h - 0.5,
  ]
  for (const [i, e] of take((e) => e.erp === 'full' && e.billable && e.hours >= 2 && e.hours <= 12, edits.length).entries()) {
    e.erpHours = edits[i](e.hours)
    w.planted.time_entry_hours_mismatch.push(e.key)
  }
  // Near misses: a 0.005 h rounding difference (within the 0.01 tolerance) and a typo the delta
  // batch already corrected.
  const rounding = take((e) => e.erp === 'full' && e.billable && recentDays(e), 1)[0]
  if (rounding) {
    rounding.erpHours = rounding.hours + 0.005
    nearMiss(w, 'time_entry_hours_mismatch', rounding.key)
  }
  const fixed = take((e) => e.erp === 'full' && e.billable && recentDays(e), 1)[0]
  if (fixed) {
    fixed.erpHoursFull = fixed.hours + 1
    nearMiss(w, 'time_entry_hours_mismatch', fixed.key)
  }
  // A duplicate import in the ERP that the delta batch deletes again.
  const dup = take((e) => e.erp === 'full' && recentDays(e), 1)[0]
  if (dup) w.erpStray.push({ ...dup, key: `${dup.key}-R` })
}

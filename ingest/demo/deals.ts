// The pipeline (CRM opportunities), the projects won deals turn into, and the ERP rate cards.
import { DAY_MS, HOUR_MS, addMonths, dayStart, roundTo } from './rng.ts'
import {
  PRACTICES, ROLES, nearMiss, pad, type Billing, type Card, type Opp, type Project, type ProjectStatus, type World,
} from './world.ts'

const ENGAGEMENTS: Record<string, string[]> = {
  Strategy: ['Growth Strategy', 'Operating Model Redesign', 'M&A Integration', 'Cost Transformation', 'Market Entry'],
  'Data & AI': ['Data Platform Modernization', 'GenAI Pilot', 'Customer Analytics', 'MLOps Foundation', 'Data Governance'],
  Technology: ['Cloud Migration', 'ERP Implementation', 'Cybersecurity Assessment', 'CRM Rollout', 'Integration Platform'],
  'Finance Transformation': ['Close Acceleration', 'FP&A Redesign', 'Treasury Optimization', 'Lease Accounting', 'Shared Services'],
}
const SELLERS = ['avery.hughes', 'jordan.patel', 'morgan.lee', 'casey.nakamura', 'riley.obrien', 'quinn.adeyemi']
const OPEN_STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation']

const roleSlug = (role: number): string => ROLES[role].name.replace(/ /g, '')

export function genDeals(w: World): void {
  const book = new DealBook(w)
  genProjects(w, book)
  plantProjectShells(w, book)
  plantWinsWithoutProject(w, book)
  genPipeline(w, book)
  for (const p of w.projects) w.byKey.project.set(p.key, p)
}

/** Opens deals and projects with running keys; every project comes from a won deal. */
class DealBook {
  private oppN = 0
  private prjN = 0

  constructor(private w: World) {}

  newOpp(o: Omit<Opp, 'key' | 'owner' | 'name'> & { name?: string }): Opp {
    const { rng } = this.w
    const acct = this.w.accounts.find((a) => a.key === o.accountKey)!
    const opp: Opp = {
      ...o, key: `OPP-${pad(this.oppN++, 5)}`, owner: `${rng.pick(SELLERS)}@firm.example`,
      name: o.name ?? `${acct.name} – ${rng.pick(ENGAGEMENTS[rng.pick(PRACTICES)])}`,
    }
    this.w.opps.push(opp)
    return opp
  }

  wonDeal(wonAt: number, amountCents: number, name?: string): Opp {
    return this.newOpp({
      accountKey: this.w.rng.pick(this.w.accounts).key, name, stage: 'Closed Won', amountCents, close: Math.floor(wonAt / DAY_MS), won: true, closed: true, wonAt,
    })
  }

  project(status: ProjectStatus, over: Partial<Project> = {}): Project {
    const { rng, D } = this.w
    const { start, end } = projectDates(this.w, status)
    const practice = PRACTICES[rng.weighted([3, 3, 4, 2])]
    const engagement = rng.pick(ENGAGEMENTS[practice])
    const { wonAt, createdErp } = projectWin(this.w, status, start)
    const billing: Billing = (['time_and_materials', 'fixed_fee', 'non_billable'] as const)[rng.weighted([74, 21, 5])]
    const opp = this.wonDeal(wonAt, 0, `${engagement}${rng.chance(0.25) ? ' – Phase 2' : ''}`)
    const acct = this.w.accounts.find((a) => a.key === opp.accountKey)!
    const p: Project = {
      key: `PRJ-${pad(this.prjN++, 5)}`, accountKey: acct.key, oppKey: opp.key, name: `${acct.name} / ${opp.name}`,
      status, psaStatus: status, billing, start, end, practice, region: acct.region, manager: 'pmo@firm.example',
      createdErp, createdPsa: createdErp + rng.int(4, 90) * 60_000, inErp: true, inPsa: true,
      budgetHours: null, budgetCents: null, internal: false,
      holdFrom: status === 'on_hold' ? D - rng.int(3, 9) : null, billingHoldFrom: null, missedMonth: null,
      discount: rng.pick([0.85, 0.9, 0.95, 1, 1]), ...over,
    }
    // A shell only one system has carries only that system's creation time.
    if (!p.inErp) p.createdErp = null
    if (!p.inPsa) p.createdPsa = null
    this.w.projects.push(p)
    return p
  }
}

function projectDates(w: World, status: ProjectStatus): { start: number; end: number } {
  const { rng, D } = w
  if (status === 'planned') {
    const start = D + rng.int(3, 30)
    return { start, end: start + rng.int(60, 180) }
  }
  if (status === 'closed') {
    const end = D - rng.int(5, 150)
    return { start: end - rng.int(80, 200), end }
  }
  const start = D - rng.int(15, 300)
  return { start, end: D + rng.int(15, 200) }
}

/** When a project's deal was won, and when the ERP shell followed (mostly within a day or two). */
function projectWin(w: World, status: ProjectStatus, start: number): { wonAt: number; createdErp: number } {
  const { rng, D } = w
  // Deals close a few weeks before kick-off; the project shell follows within a day or two.
  const wonAt = status === 'planned'
    ? dayStart(D - rng.int(2, 12)) + rng.int(8, 20) * HOUR_MS
    : dayStart(start - rng.int(4, 25)) + rng.int(8 * 60, 20 * 60) * 60_000
  const r = rng.next()
  let latency = (r < 0.7 ? rng.float(2, 36) : r < 0.95 ? rng.float(36, 80) : rng.float(80, 200)) * HOUR_MS
  latency = Math.min(latency, w.observed.psa - 3 * HOUR_MS - wonAt)
  return { wonAt, createdErp: Math.round((wonAt + latency) / 1000) * 1000 }
}

/** Client projects in every status, and one internal project per practice. */
function genProjects(w: World, book: DealBook): void {
  const { D } = w
  const nClient = Math.round(30 * w.scale)
  for (let i = 0; i < nClient; i++) {
    // The first two are closed, so even a tiny firm has finished work to plant close-out misses on.
    const status = i < 2 ? 'closed' : (['active', 'closed', 'planned', 'on_hold'] as const)[w.rng.weighted([64, 18, 10, 5])]
    book.project(status)
  }
  for (const practice of PRACTICES) {
    book.project('active', {
      accountKey: null, oppKey: null, name: `Internal – ${practice} Practice Development`, billing: 'non_billable',
      practice, region: 'NA', internal: true, start: D - 900, end: null,
      createdErp: dayStart(D - 910) + 9 * HOUR_MS, createdPsa: dayStart(D - 910) + 10 * HOUR_MS,
    })
    w.opps.pop() // project() opened a deal for it, but internal work has none
  }
}

/** project_missing_in_erp and project_missing_in_psa: shells one system never got, and near misses. */
function plantProjectShells(w: World, book: DealBook): void {
  const { rng, D, asOf } = w
  // project_missing_in_erp: PSA project shells whose ERP creation failed (budget comes from staffing).
  for (const days of [4, 9, 17]) {
    const p = book.project('planned', { inErp: false })
    p.createdPsa = asOf - days * DAY_MS - rng.int(1, 8) * HOUR_MS
    fixWon(w, p, p.createdPsa - rng.int(10, 30) * HOUR_MS)
    w.planted.project_missing_in_erp.push(p.key)
  }
  // project_missing_in_psa: ERP shells PSA never received (not staffed, so explicit budgets).
  for (const [days, cents] of [[6, 42_000_000], [13, 9_750_000]]) {
    const p = book.project('planned', { inPsa: false, budgetCents: cents, budgetHours: Math.round(cents / 100 / 210) })
    p.createdErp = asOf - days * DAY_MS - rng.int(1, 8) * HOUR_MS
    fixWon(w, p, p.createdErp - rng.int(3, 20) * HOUR_MS)
    w.planted.project_missing_in_psa.push(p.key)
  }
  // Near misses: shells created hours ago (the other side is still within its 24 h).
  const newPsa = book.project('planned', { inErp: false })
  newPsa.createdPsa = asOf - 5 * HOUR_MS
  fixWon(w, newPsa, asOf - 28 * HOUR_MS)
  nearMiss(w, 'project_missing_in_erp', newPsa.key)
  const newErp = book.project('planned', { inPsa: false, budgetCents: 15_500_000, budgetHours: 700 })
  newErp.createdErp = asOf - 6 * HOUR_MS
  fixWon(w, newErp, asOf - 20 * HOUR_MS)
  nearMiss(w, 'project_missing_in_psa', newErp.key)
  // An old project closed in PSA and purged from the ERP: closed, so no exception.
  const purged = book.project('closed', { inErp: false, end: D - 300, start: D - 420 })
  nearMiss(w, 'project_missing_in_erp', purged.key)
}

/** won_opportunity_without_project: deals nobody turned into a project (varied amounts). */
function plantWinsWithoutProject(w: World, book: DealBook): void {
  const { asOf } = w
  for (const [hours, cents] of [[74, 240_000_000], [12 * 24 + 5, 31_000_000], [41 * 24, 9_512_550]])
    w.planted.won_opportunity_without_project.push(book.wonDeal(asOf - hours * HOUR_MS, cents).key)
  // Near misses: won 10 h and 47 h ago, inside the 48 h allowance.
  for (const [hours, cents] of [[10, 45_000_000], [47, 18_000_000]])
    nearMiss(w, 'won_opportunity_without_project', book.wonDeal(asOf - hours * HOUR_MS, cents).key)
}

/** The rest of the pipeline: open and lost deals. */
function genPipeline(w: World, book: DealBook): void {
  const { rng, D } = w
  for (let i = 0; i < Math.round(12 * w.scale); i++) {
    book.newOpp({
      accountKey: rng.pick(w.accounts).key, stage: rng.pick(OPEN_STAGES), amountCents: rng.int(40, 1800) * 100_000 + rng.int(0, 99),
      close: D + rng.int(7, 150), won: false, closed: false, wonAt: null,
    })
  }
  for (let i = 0; i < Math.round(8 * w.scale); i++) {
    book.newOpp({
      accountKey: rng.pick(w.accounts).key, stage: 'Closed Lost', amountCents: rng.int(60, 1500) * 100_000,
      close: D - rng.int(3, 200), won: false, closed: true, wonAt: null,
    })
  }
}

/** Moves a project's deal to a given win time (the plants set their own clocks). */
function fixWon(w: World, p: Project, wonAt: number): void {
  const opp = w.opps.find((o) => o.key === p.oppKey)!
  opp.wonAt = Math.round(wonAt / 1000) * 1000
  opp.close = Math.floor(wonAt / DAY_MS)
}

export function genRateCards(w: World): void {
  const { rng, D } = w
  let futureCardDone = false
  for (const p of w.projects) {
    if (!p.inErp || p.internal || p.billing === 'non_billable') continue
    // A third of the long-running projects had a rate increase after their first quarter.
    const inc = p.start < D - 120 && rng.chance(0.33) ? Math.min(addMonths(p.start, 3), D - 20) : null
    // One active project has next quarter's card already loaded: not yet effective, no exception.
    const future = !futureCardDone && inc === null && p.status === 'active' && p.billing === 'time_and_materials'
    if (future) futureCardDone = true // its assignments are listed as near misses by plantStaffing
    const split = inc ?? (future ? D + 15 : null)
    for (let r = 0; r < ROLES.length; r++) {
      const rate = roundTo(ROLES[r].rate * p.discount, 5)
      const key = `RC-${p.key}-${roleSlug(r)}`
      w.cards.push({ key, projectKey: p.key, role: ROLES[r].name, rate, from: p.start, to: split === null ? null : split - 1 })
      if (split !== null)
        w.cards.push({ key: `${key}-2`, projectKey: p.key, role: ROLES[r].name, rate: roundTo(rate * (future ? 1.06 : 1.05), 5), from: split, to: null })
    }
  }
  for (const c of w.cards) {
    const k = `${c.projectKey}|${c.role}`
    const list = w.cardIndex.get(k) ?? []
    list.push(c)
    w.cardIndex.set(k, list)
  }
}

/** The ERP rate of a role on a project on a day: the effective card with the latest start. */
export function cardRate(w: World, projectKey: string, role: number, day: number): number | null {
  const cards = w.cardIndex.get(`${projectKey}|${ROLES[role].name}`)
  if (!cards) return null
  let best: Card | null = null
  for (const c of cards)
    if ((c.from === null || c.from <= day) && (c.to === null || c.to >= day) && (!best || (c.from ?? 0) > (best.from ?? 0))) best = c
  return (best ?? cards[0]).rate
}

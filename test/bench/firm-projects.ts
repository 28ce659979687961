// The bench firm's clients, deals, projects and staffing: each person holds four assignments
// (a long anchor engagement and three stints in a row), on project groups whose dates cover them.
import type { Rng } from '../../ingest/demo/rng.ts'
import { PRACTICES, REGIONS, ROLES } from '../../ingest/demo/world.ts'
import { atLeast, type Person } from './firm-people.ts'

const DAY = 86_400_000
const HOUR = 3_600_000

export interface Project {
  idx: number; key: string; accountKey: string | null; oppKey: string | null; name: string
  /** 0 time_and_materials, 1 fixed_fee, 2 non_billable. */
  billing: 0 | 1 | 2
  practice: string | null; region: string; manager: string
  start: number; end: number | null; hold: number | null
  createdErp: number | null; createdPsa: number | null
  budgetHours: number | null; budgetAmount: number | null
  /** Closed in the ERP, never closed out in PSA (a plant). */
  neverClosedInPsa: boolean
  /** Day the second rate card (+5 %) takes over, or null; base/inc: rate by role index. */
  split: number | null; base: number[]; inc: number[]
  plant: '' | 'missing_in_erp' | 'missing_in_psa' | 'near_miss'
}

export interface Assignment {
  idx: number; key: string; p: number; prj: number; k: number; start: number; end: number; planned: number
  cancelled: boolean
  /** PSA still says active although it ended (its project closed in the ERP). */
  stayActive: boolean
  /** 0: the card's rate; 1: the rate before the increase; 2: the card's rate + rateDelta. */
  rateMode: 0 | 1 | 2; rateDelta: number
}

export interface Account { key: string; name: string; region: string }
export interface Opp {
  key: string; accountKey: string; name: string; amount: number; close: number; created: number
  wonAt: number | null; lost: boolean; openStage: string; owner: string; orphan: boolean
}
export interface Card { key: string; project: number; role: number; rate: number; from: number; to: number | null; loaded: number }

const COMPANIES = ['Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Tailspin', 'Wingtip', 'Litware', 'Proseware', 'Lucerne',
  'Coho', 'Woodgrove', 'Relecloud', 'VanArsdel', 'Datum', 'Meridian', 'Halcyon', 'Orbital', 'Cascade', 'Bellows']
const SECTORS = ['Bank', 'Health', 'Logistics', 'Energy', 'Retail', 'Insurance', 'Pharma', 'Telecom', 'Foods', 'Mining', 'Utilities', 'Media']
const WORK = ['Cloud Migration', 'Operating Model Redesign', 'Data Platform', 'Close Acceleration', 'ERP Implementation', 'GenAI Pilot',
  'Cost Transformation', 'FP&A Redesign', 'Cybersecurity Assessment', 'Customer Analytics']
const OPEN_STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation']
const ALLOCATION = 0.4
const round5 = (x: number) => Math.round(x / 5) * 5

export function planProjects(rng: Rng, people: Person[], D: number, ws: number, asOf: number) {
  const P = people.length
  const R = atLeast(40, P / 2.5)
  const accounts: Account[] = Array.from({ length: atLeast(25, R / 5) }, (_, i) => ({
    key: `ACC-${String(i).padStart(5, '0')}`,
    name: `${COMPANIES[i % COMPANIES.length]} ${SECTORS[Math.floor(i / COMPANIES.length) % SECTORS.length]}${i >= COMPANIES.length * SECTORS.length ? ` ${i}` : ''}`,
    region: REGIONS[rng.weighted([5, 3, 2])],
  }))
  const projects: Project[] = []
  const opps: Opp[] = []
  const sellers = ['avery.hughes', 'jordan.patel', 'morgan.lee', 'casey.nakamura', 'riley.obrien']
  const addProject = (start: number, end: number | null, over: Partial<Project> = {}): Project => {
    const idx = projects.length
    const acct = rng.pick(accounts)
    const practice = PRACTICES[rng.weighted([3, 3, 4, 2])]
    const billing = ([0, 1, 2] as const)[rng.weighted([74, 21, 5])]
    // The deal closes, then the project shell follows in hours (sometimes days); kick-off weeks later.
    const created = Math.min(start * DAY - rng.int(14, 34) * DAY + rng.int(9, 18) * HOUR, asOf - 3 * HOUR)
    const r = rng.next()
    const latency = (r < 0.7 ? rng.float(2, 36) : r < 0.95 ? rng.float(36, 80) : rng.float(80, 200)) * HOUR
    const wonAt = Math.round((created - latency) / 1000) * 1000
    const disc = Math.round(rng.float(0.85, 1) * 100) / 100
    const base = ROLES.map((x) => round5(x.rate * disc))
    const p: Project = {
      idx, key: `PRJ-${String(idx).padStart(5, '0')}`, accountKey: acct.key, oppKey: `OPP-${String(idx).padStart(6, '0')}`,
      name: `${acct.name} / ${rng.pick(WORK)}`, billing, practice, region: acct.region, manager: 'pmo@firm.example',
      start, end, hold: null, createdErp: created, createdPsa: created + rng.int(4, 90) * 60_000, budgetHours: null, budgetAmount: null,
      neverClosedInPsa: false, split: null, base, inc: base.map((b) => round5(b * 1.05)), plant: '', ...over,
    }
    projects.push(p)
    if (p.oppKey)
      opps.push({
        key: p.oppKey, accountKey: acct.key, name: p.name, amount: 0, close: Math.floor(wonAt / DAY), created: Math.floor(wonAt / DAY) - rng.int(20, 90),
        wonAt, lost: false, openStage: 'Negotiation', owner: `${rng.pick(sellers)}@firm.example`, orphan: false,
      })
    return p
  }
  // Internal projects: practice development for each practice, and time off.
  const practiceDev = PRACTICES.map((pr) =>
    addProject(D - 900, null, { accountKey: null, oppKey: null, name: `Internal – ${pr} Practice Development`, billing: 2, practice: pr, region: 'NA' }).idx)
  const timeOff = addProject(D - 900, null, { accountKey: null, oppKey: null, name: 'Internal – Time Off', billing: 2, practice: null, region: 'NA' }).idx
  // Groups: long engagements running all year, three waves of stints, then projects without time.
  const group = (share: number, start: () => number, end: () => number | null, over: Partial<Project> = {}) =>
    Array.from({ length: atLeast(3, R * share) }, () => addProject(start(), end(), over).idx)
  const long = group(0.3, () => ws - rng.int(200, 400), () => D + rng.int(250, 450))
  const wave1 = group(0.18, () => ws - rng.int(0, 30), () => ws + rng.int(195, 215))
  const wave2 = group(0.15, () => ws + 140 - rng.int(0, 10), () => D - rng.int(25, 28))
  const wave3 = group(0.2, () => ws + 200 - rng.int(0, 20), () => D + rng.int(200, 400))
  group(0.05, () => D + rng.int(3, 30), () => D + rng.int(100, 200))
  for (const i of group(0.02, () => D - rng.int(150, 250), () => D + rng.int(60, 150))) projects[i].hold = D - rng.int(30, 60)
  group(0.05, () => ws - rng.int(300, 500), () => ws - rng.int(20, 100))
  // Rate increases on a third of the long engagements and a fifth of the third wave.
  for (const i of long) if (rng.chance(0.33)) projects[i].split = ws + rng.int(60, 260)
  for (const i of wave3) if (rng.chance(0.2)) projects[i].split = ws + rng.int(260, 330)
  // Near miss: next quarter's card already loaded, not effective yet.
  const future = long.find((i) => projects[i].split === null && projects[i].billing === 0)
  if (future !== undefined) projects[future].split = D + 15
  // assignment_on_closed_project: the ERP closed the project, PSA never closed it out.
  for (const i of rng.shuffle([...wave2]).slice(0, atLeast(1, wave2.length / 40))) projects[i].neverClosedInPsa = true

  // Project shells created in one system only (4-17 days ago), and near misses (created hours ago).
  const shell = (plant: Project['plant'], ageHours: number, inErp: boolean) => {
    const p = addProject(D + rng.int(5, 30), D + rng.int(120, 200), { plant })
    const created = asOf - ageHours * HOUR
    p.createdErp = inErp ? created : null
    p.createdPsa = inErp ? null : created
    const opp = opps[opps.length - 1]
    opp.wonAt = created - 20 * HOUR
    opp.close = Math.floor(opp.wonAt / DAY)
    opp.created = opp.close - 30
    p.budgetAmount = rng.int(50, 900) * 1000
    p.budgetHours = Math.round(p.budgetAmount / 200)
  }
  const shells = atLeast(3, R / 200)
  for (let i = 0; i < shells; i++) shell('missing_in_erp', 24 * (4 + ((i * 5) % 14)) + 3, false)
  for (let i = 0; i < shells; i++) shell('missing_in_psa', 24 * (6 + ((i * 3) % 12)) + 2, true)
  shell('near_miss', 5, false)
  shell('near_miss', 6, true)

  // Deals won 3-40 days ago that nobody turned into a project; near misses won 10 h and 47 h ago.
  const deal = (wonAt: number, orphan: boolean) =>
    opps.push({
      key: `OPP-W${String(opps.length).padStart(6, '0')}`, accountKey: rng.pick(accounts).key, name: `${rng.pick(accounts).name} – ${rng.pick(WORK)}`,
      amount: rng.int(40, 2400) * 1000, close: Math.floor(wonAt / DAY), created: Math.floor(wonAt / DAY) - 40, wonAt, lost: false,
      openStage: 'Negotiation', owner: `${rng.pick(sellers)}@firm.example`, orphan,
    })
  for (let i = 0; i < atLeast(3, R / 100); i++) deal(asOf - (74 + ((i * 37) % 900)) * HOUR, true)
  deal(asOf - 10 * HOUR, false)
  deal(asOf - 47 * HOUR, false)
  // The rest of the pipeline: open and lost deals.
  for (let i = 0; i < atLeast(10, R * 0.4); i++)
    opps.push({ key: `OPP-O${String(i).padStart(6, '0')}`, accountKey: rng.pick(accounts).key, name: `${rng.pick(accounts).name} – ${rng.pick(WORK)}`,
      amount: rng.int(40, 1800) * 1000, close: D + rng.int(7, 150), created: D - rng.int(10, 200), wonAt: null, lost: false,
      openStage: rng.pick(OPEN_STAGES), owner: `${rng.pick(sellers)}@firm.example`, orphan: false })
  for (let i = 0; i < atLeast(8, R * 0.25); i++)
    opps.push({ key: `OPP-L${String(i).padStart(6, '0')}`, accountKey: rng.pick(accounts).key, name: `${rng.pick(accounts).name} – ${rng.pick(WORK)}`,
      amount: rng.int(60, 1500) * 1000, close: D - rng.int(3, 330), created: D - rng.int(340, 400), wonAt: null, lost: true,
      openStage: rng.pick(OPEN_STAGES), owner: `${rng.pick(sellers)}@firm.example`, orphan: false })

  const assignments = staff(rng, people, projects, [long, wave1, wave2, wave3], D, ws)
  budgets(rng, projects, assignments, people, opps)
  const cards: Card[] = []
  for (const p of projects) {
    if (p.billing === 2 || p.createdErp === null) continue
    ROLES.forEach((role, r) => {
      const key = `RC-${p.key}-${role.name.replace(/ /g, '')}`
      cards.push({ key, project: p.idx, role: r, rate: p.base[r], from: p.start, to: p.split === null ? null : p.split - 1, loaded: p.createdErp! })
      if (p.split !== null)
        cards.push({ key: `${key}-2`, project: p.idx, role: r, rate: p.inc[r], from: p.split, to: null, loaded: Math.min(p.split - 30, D - 5) * DAY + 9 * HOUR })
    })
  }
  return { projects, assignments, accounts, opps, cards, practiceDev, timeOff }
}

/** Four assignments per person: k = 0 the anchor engagement, 1-3 consecutive stints. */
function staff(rng: Rng, people: Person[], projects: Project[], groups: number[][], D: number, ws: number): Assignment[] {
  const out: Assignment[] = []
  for (const p of people) {
    const from = p.hire + 2
    const e1 = ws + rng.int(150, 190)
    const s2 = e1 + 1 + rng.int(0, 14)
    const e2 = Math.min(s2 + rng.int(90, 130), D - 30)
    const s3 = e2 + 1 + rng.int(0, 10)
    const spans: [number, number][] = [[ws - rng.int(30, 180), D + rng.int(20, 220)], [ws + rng.int(0, 30), e1], [s2, e2], [s3, D + rng.int(30, 180)]]
    spans.forEach(([s, e], k) => {
      const start = Math.max(s, from)
      // PSA was never told about an untold leaver: the assignments keep their planned end.
      const end = p.term !== null && !p.untold ? Math.min(e, p.term) : e
      if (start > end || (p.untold && start > p.term! && k < 3)) return
      const prj = rng.pick(groups[k])
      out.push({
        idx: p.idx * 4 + k, key: `ASN-${String(p.idx * 4 + k).padStart(7, '0')}`, p: p.idx, prj, k, start, end,
        planned: Math.max(8, Math.round(weekdays(start, end) * 8 * ALLOCATION)),
        cancelled: k === 3 && !p.silent && rng.chance(0.01), stayActive: projects[prj].neverClosedInPsa, rateMode: 0, rateDelta: 0,
      })
    })
  }
  // assignment_rate_mismatch: PSA kept the rate from before the increase, or it was keyed in wrong.
  const live = (a: Assignment) => !a.cancelled && a.end >= D && a.start <= D - 20 && projects[a.prj].billing !== 2 && people[a.p].group === 'core'
  const pool = rng.shuffle(out.filter(live))
  for (const a of pool.filter((a) => projects[a.prj].split !== null && projects[a.prj].split! <= D && a.start < projects[a.prj].split!).slice(0, atLeast(2, people.length / 600)))
    a.rateMode = 1
  for (const [i, a] of pool.filter((a) => a.rateMode === 0).slice(0, atLeast(3, people.length / 300)).entries()) {
    a.rateMode = 2
    a.rateDelta = [-25, 50, -75][i % 3]
  }
  // Near miss: a completed assignment with a stale rate is history, not an exception.
  const done = out.find((a) => a.k === 1 && a.end < D && projects[a.prj].billing !== 2)
  if (done) Object.assign(done, { rateMode: 2, rateDelta: 20 })
  return out
}

function weekdays(from: number, to: number): number {
  let n = 0
  for (let d = from; d <= to; d++) if ((d + 3) % 7 < 5) n++
  return n
}

/** Budgets follow from the staffing plan, priced at the cards plus a margin; deals carry the budget. */
function budgets(rng: Rng, projects: Project[], assignments: Assignment[], people: Person[], opps: Opp[]): void {
  const hours = new Map<number, number>()
  const value = new Map<number, number>()
  for (const a of assignments) {
    const p = projects[a.prj]
    hours.set(p.idx, (hours.get(p.idx) ?? 0) + a.planned)
    value.set(p.idx, (value.get(p.idx) ?? 0) + a.planned * p.base[people[a.p].role])
  }
  for (const p of projects) {
    if (p.oppKey === null || p.plant) continue
    const h = hours.get(p.idx) ?? rng.int(400, 4000)
    p.budgetHours = Math.round(h * rng.float(1.1, 1.25))
    const margin = p.billing === 1 ? rng.float(1.1, 1.25) : rng.float(1.02, 1.15)
    p.budgetAmount = p.billing === 2 ? null : Math.round((value.get(p.idx) ?? h * 200) * margin / 100) * 100
  }
  const byKey = new Map(projects.map((p) => [p.oppKey, p]))
  for (const o of opps) if (o.amount === 0) o.amount = byKey.get(o.key)?.budgetAmount ?? rng.int(50, 400) * 1000
}

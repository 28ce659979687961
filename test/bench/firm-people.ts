// The bench firm's people (the HR master), with the HR/PSA plants on people.
import type { Rng } from '../../ingest/demo/rng.ts'
import { PRACTICES, REGIONS, ROLES } from '../../ingest/demo/world.ts'

export interface Person {
  idx: number; key: string; name: string; email: string; practice: string; region: string
  group: 'leaver' | 'core' | 'hire' | 'hr_only'
  role: number; employment: 'employee' | 'contractor'; hire: number; term: number | null
  /** A leaver PSA was never told about: still active there, assignments never ended. */
  untold: boolean
  inPsa: boolean; capacity: number
  /** HR's cost rate before and after `raise` (PSA keeps costOld: a plant where they differ). */
  costOld: number; costNew: number; raise: number
  psaCostNull: boolean
  /** Logs no time on its third assignment from this day (a plant), or 0. */
  silent: number
}

const FIRST = ['Priya', 'James', 'Sofia', 'Wei', 'Amara', 'Lucas', 'Hannah', 'Mateo', 'Aisha', 'Noah', 'Elena', 'Kenji',
  'Olivia', 'Ravi', 'Chloe', 'Diego', 'Fatima', 'Liam', 'Mei', 'Oscar', 'Zara', 'Ethan', 'Ingrid', 'Kwame']
const LAST = ['Raman', 'Carter', 'Rossi', 'Zhang', 'Okafor', 'Silva', 'Becker', 'Garcia', 'Khan', 'Walsh', 'Petrova',
  'Tanaka', 'Nguyen', 'Iyer', 'Dubois', 'Lopez', 'Haddad', 'Murphy', 'Chen', 'Lindqvist', 'Mensah', 'Novak']

/** At least `min`, else `n` rounded: plants stay present on a small firm and grow with a big one. */
export const atLeast = (min: number, n: number): number => Math.max(min, Math.round(n))

export function planPeople(rng: Rng, entries: number, D: number, ws: number): Person[] {
  const P = atLeast(60, entries / 2000)
  const leavers = atLeast(3, P * 0.03)
  const hires = atLeast(4, P * 0.08)
  const core = P - leavers - hires
  // Leavers PSA never heard of left 5-45 days ago; the other leavers months ago.
  const untold = Math.min(leavers - 1, atLeast(2, P / 500))
  const hrOnly = atLeast(2, P / 500)
  const people: Person[] = []
  const add = (group: Person['group'], hire: number, term: number | null, over: Partial<Person> = {}) => {
    const idx = people.length
    const role = rng.weighted(ROLES.map((r) => r.share))
    const contractor = role >= 3 && rng.chance(0.14)
    const first = rng.pick(FIRST)
    const last = rng.pick(LAST)
    const cost = Math.round(ROLES[role].cost * rng.float(0.85, 1.15) * (contractor ? 1.25 : 1) * 100) / 100
    people.push({
      idx, key: `E${String(idx).padStart(6, '0')}`, name: `${first} ${last}`, email: `${first}.${last}.${idx}@firm.example`.toLowerCase(),
      practice: PRACTICES[rng.weighted([3, 3, 4, 2])], region: REGIONS[rng.weighted([5, 3, 2])], group, role,
      employment: contractor ? 'contractor' : 'employee', hire, term, untold: false, inPsa: true,
      capacity: !contractor && rng.chance(0.05) ? 32 : 40, costOld: cost, costNew: cost, raise: D + 10_000, psaCostNull: false, silent: 0,
      ...over,
    })
  }
  // Index order matters: on any day the employed are one contiguous range (firm-plan.ts allocate).
  const normalLeavers = leavers - untold
  for (let i = 0; i < normalLeavers; i++) add('leaver', D - rng.int(400, 2600), ws + 20 + Math.floor((i * (D - 60 - ws - 20)) / normalLeavers))
  for (let i = 0; i < untold; i++) add('leaver', D - rng.int(400, 2600), D - 45 + Math.floor((i * 40) / untold), { untold: true })
  for (let i = 0; i < core; i++) add('core', D - rng.int(380, 3000), null)
  for (let i = 0; i < hires; i++) add('hire', ws + 10 + Math.floor((i * (D - 2 - ws - 10)) / hires), null)
  // HR only: joiners onboarding never set up in PSA, then near misses (inside the 7-day grace; a contractor).
  for (let i = 0; i < hrOnly; i++) add('hr_only', D - 9 - ((i * 6) % 60), null, { inPsa: false, employment: 'employee' })
  add('hr_only', D - 3, null, { inPsa: false, employment: 'employee' })
  add('hr_only', D - 200, null, { inPsa: false, employment: 'contractor' })

  // resource_cost_rate_mismatch: HR raised the rate two months ago, PSA kept the old one.
  const pool = rng.shuffle(people.filter((p) => p.group === 'core').map((p) => p.idx))
  for (const i of pool.splice(0, atLeast(3, P / 250))) {
    const p = people[i]
    p.costNew = Math.round(p.costOld * 1.06 * 100) / 100
    p.raise = D - 60
  }
  // Near miss: PSA has no cost rate at all.
  for (const i of pool.splice(0, atLeast(1, P / 1000))) people[i].psaCostNull = true
  // assignment_without_recent_time: consultants gone quiet on their current engagement 16-60 days ago.
  for (const i of pool.splice(0, atLeast(3, P / 500))) people[i].silent = D - rng.int(16, 60)
  return people
}

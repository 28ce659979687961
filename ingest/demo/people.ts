// Clients and the firm's people (the HR master), with the HR/PSA divergences planted on people.
import { PRACTICES, REGIONS, ROLES, nearMiss, pad, type Person, type World } from './world.ts'

const COMPANIES = [
  'Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Tailspin', 'Wingtip', 'Litware',
  'Adventure Works', 'Proseware', 'Lucerne', 'Margie', 'Alpine Ski', 'Coho', 'Blue Yonder',
  'Trey Research', 'Woodgrove', 'Southridge', 'Humongous', 'Graphic Design', 'Relecloud',
  'Fourth Coffee', 'VanArsdel', 'Datum', 'Nod', 'Bellows', 'Cascade', 'Meridian', 'Halcyon', 'Orbital',
]
const SECTORS = [
  'Bank', 'Health', 'Logistics', 'Energy', 'Retail', 'Insurance', 'Pharma', 'Telecom',
  'Manufacturing', 'Media', 'Capital', 'Foods', 'Airlines', 'Mining', 'Utilities',
]
const FIRST = [
  'Priya', 'James', 'Sofia', 'Wei', 'Amara', 'Lucas', 'Hannah', 'Mateo', 'Aisha', 'Noah', 'Elena',
  'Kenji', 'Olivia', 'Ravi', 'Chloe', 'Diego', 'Fatima', 'Liam', 'Mei', 'Oscar', 'Zara', 'Ethan',
  'Ingrid', 'Kwame', 'Laura', 'Marcus', 'Nadia', 'Pedro', 'Sana', 'Tomas', 'Yuki', 'Grace',
]
const LAST = [
  'Raman', 'Carter', 'Rossi', 'Zhang', 'Okafor', 'Silva', 'Becker', 'Garcia', 'Khan', 'Walsh',
  'Petrova', 'Tanaka', 'Nguyen', 'Iyer', 'Dubois', 'Lopez', 'Haddad', 'Murphy', 'Chen', 'Lindqvist',
  'Mensah', 'Kowalski', 'Fischer', 'Santos', 'Ahmed', 'Novak', 'Park', 'Moreau', 'Costa', 'Sato',
]

export function genAccounts(w: World): void {
  const n = Math.round(25 * w.scale)
  const names = new Set<string>()
  for (let i = 0; i < n; i++) {
    let name = `${w.rng.pick(COMPANIES)} ${w.rng.pick(SECTORS)}`
    while (names.has(name)) name = `${w.rng.pick(COMPANIES)} ${w.rng.pick(SECTORS)} ${w.rng.pick(['Group', 'Holdings', 'Inc.', 'plc'])}`
    names.add(name)
    w.accounts.push({ key: `ACC-${pad(i, 4)}`, name, region: REGIONS[w.rng.weighted([5, 3, 2])] })
  }
}

export function genPeople(w: World): void {
  const { rng, D } = w
  const n = Math.round(60 * w.scale)
  const emails = new Set<string>()
  for (let i = 0; i < n; i++) {
    const role = rng.weighted(ROLES.map((r) => r.share))
    const first = rng.pick(FIRST)
    const last = rng.pick(LAST)
    let email = `${first}.${last}`.toLowerCase()
    if (emails.has(email)) email += i
    emails.add(email)
    const contractor = role >= 3 && rng.chance(0.14)
    // A tenth of the firm joined during the last six months: capacity grows over the window.
    const hire = rng.chance(0.1) ? D - rng.int(35, 170) : D - rng.int(200, 2600)
    const p: Person = {
      key: `E${pad(i, 5)}`, name: `${first} ${last}`, email: `${email}@firm.example`,
      practice: PRACTICES[rng.weighted([3, 3, 4, 2])], region: REGIONS[rng.weighted([5, 3, 2])],
      role, employment: contractor ? 'contractor' : 'employee', hire, term: null, capacity: 40,
      costCents: Math.round(ROLES[role].cost * rng.float(0.85, 1.15) * (contractor ? 1.25 : 1) * 100),
      util: Math.min(0.95, ROLES[role].util * rng.float(0.9, 1.12)),
      inPsa: true,
    }
    w.people.push(p)
  }
  // People who left months ago: their assignments end with them (staffing clips to term).
  for (const p of rng.shuffle(w.people.filter((p) => p.hire < D - 400)).slice(0, Math.max(2, Math.round(3 * w.scale))))
    p.term = D - rng.int(40, 130)
  for (const p of w.people) w.byKey.person.set(p.key, p)
}

/** Divergences between HR and PSA people; picks people who will not be staffed. */
export function plantPeople(w: World): void {
  const { rng, D } = w
  const fresh = rng.shuffle(w.people.filter((p) => p.term === null && p.role >= 3))
  const take = (): Person => fresh.pop()!

  // resource_missing_in_psa: employees hired long enough ago, never set up in PSA.
  for (let i = 0; i < 3; i++) {
    const p = take()
    p.employment = 'employee'
    p.inPsa = false
    if (i === 0) p.hire = D - rng.int(9, 20) // joined two weeks ago, onboarding forgot PSA
    w.planted.resource_missing_in_psa.push(p.key)
  }
  // Near misses: a new joiner inside the 7-day grace, a contractor, a leaver.
  const joiner = take()
  Object.assign(joiner, { inPsa: false, hire: D - 3, employment: 'employee' })
  nearMiss(w, 'resource_missing_in_psa', joiner.key)
  const contractor = take()
  Object.assign(contractor, { inPsa: false, employment: 'contractor' })
  nearMiss(w, 'resource_missing_in_psa', contractor.key)
  const leaver = w.people.find((p) => p.term !== null && p.inPsa)
  if (leaver) {
    leaver.inPsa = false
    nearMiss(w, 'resource_missing_in_psa', leaver.key)
  }

  // resource_cost_rate_mismatch: HR raised the rate, PSA still has last year's.
  const staffed = rng.shuffle(w.people.filter((p) => p.inPsa && p.term === null))
  for (let i = 0; i < 3; i++) {
    const p = staffed[i]
    p.psaCostCents = p.costCents - [750, 1250, 2040][i]
    w.planted.resource_cost_rate_mismatch.push(p.key)
  }
  // Near miss: PSA has no cost rate at all (not both set).
  staffed[3].psaCostCents = null
  nearMiss(w, 'resource_cost_rate_mismatch', staffed[3].key)
}

// Master data of the bench firm: the plan goes into staging tables once, and every monthly full
// snapshot (HR, PSA, ERP, CRM) is derived from them as of its observation, as each system would
// have exported it then (projects not yet created are absent, finished assignments completed).
import type { Db } from '../../server/db/client.ts'
import { DAY, ROLES, chTime, ymd, type Plan } from './firm-plan.ts'
import type { Batches } from './firm-batches.ts'

const BILLING = ['time_and_materials', 'fixed_fee', 'non_billable'] as const
const date = (d: number | null) => (d === null ? null : ymd(d))
const time = (ms: number | null) => (ms === null ? null : chTime(ms))

const STAGING: Record<string, string> = {
  _firm_people: `idx UInt32, key String, name String, email String, practice String, region String, employment String, hire Date,
    term Nullable(Date), untold Bool, in_psa Bool, capacity Decimal(10, 2), cost_old Decimal(12, 2), cost_new Decimal(12, 2), raise Date, psa_cost_null Bool`,
  _firm_projects: `idx UInt32, key String, account_key Nullable(String), opp_key Nullable(String), name String, billing String,
    practice Nullable(String), region String, manager String, start Date, end Nullable(Date), hold Nullable(Date),
    created_erp Nullable(DateTime64(3, 'UTC')), created_psa Nullable(DateTime64(3, 'UTC')), budget_hours Nullable(Decimal(18, 2)),
    budget_amount Nullable(Decimal(18, 2)), never_closed Bool`,
  _firm_asg: `idx UInt32, key String, project_key String, resource_key String, role String, start Date, end Date, planned Decimal(18, 2),
    cancelled Bool, stay_active Bool, billable Bool, base Int64, inc Int64, split Nullable(Date), rate_mode UInt8, rate_delta Int64`,
  _firm_cards: `idx UInt32, key String, project_key String, role String, rate Decimal(18, 2), from Date, to Nullable(Date), loaded DateTime64(3, 'UTC')`,
  _firm_accounts: `idx UInt32, key String, name String, region String`,
  _firm_opps: `idx UInt32, key String, account_key String, name String, amount Decimal(18, 2), close Date, created Date,
    won_at Nullable(DateTime64(3, 'UTC')), lost Bool, open_stage String, owner String`,
  // One row of lookup arrays for the SQL that derives time entries (firm-time.ts).
  _firm_arrays: `p_role Array(UInt8), p_pract Array(UInt8), p_silent Array(Int32), a_prj Array(UInt32), a_s Array(Int32), a_e Array(Int32),
    r_bill Array(UInt8), r_split Array(Int32), r_base Array(UInt32), r_inc Array(UInt32), r_acc Array(String), p_dev Array(UInt32)`,
}

export async function dropStaging(db: Db): Promise<void> {
  for (const t of Object.keys(STAGING)) await db.client.command({ query: `DROP TABLE IF EXISTS ${t}` })
}

export async function loadStaging(db: Db, plan: Plan): Promise<void> {
  await dropStaging(db)
  for (const [t, cols] of Object.entries(STAGING)) await db.client.command({ query: `CREATE TABLE ${t} (${cols}) ENGINE = Memory` })
  const insert = (table: string, values: object[]) => db.client.insert({ table, values, format: 'JSONEachRow' })
  const { people, projects, assignments } = plan
  await insert('_firm_people', people.map((p) => ({
    idx: p.idx, key: p.key, name: p.name, email: p.email, practice: p.practice, region: p.region, employment: p.employment,
    hire: ymd(p.hire), term: date(p.term), untold: p.untold, in_psa: p.inPsa, capacity: p.capacity, cost_old: p.costOld,
    cost_new: p.costNew, raise: ymd(p.raise), psa_cost_null: p.psaCostNull,
  })))
  await insert('_firm_projects', projects.map((p) => ({
    idx: p.idx, key: p.key, account_key: p.accountKey, opp_key: p.oppKey, name: p.name, billing: BILLING[p.billing], practice: p.practice,
    region: p.region, manager: p.manager, start: ymd(p.start), end: date(p.end), hold: date(p.hold), created_erp: time(p.createdErp),
    created_psa: time(p.createdPsa), budget_hours: p.budgetHours, budget_amount: p.budgetAmount, never_closed: p.neverClosedInPsa,
  })))
  await insert('_firm_asg', assignments.map((a) => {
    const pr = projects[a.prj]
    const role = people[a.p].role
    return {
      idx: a.idx, key: a.key, project_key: pr.key, resource_key: people[a.p].key, role: ROLES[role].name, start: ymd(a.start), end: ymd(a.end),
      planned: a.planned, cancelled: a.cancelled, stay_active: a.stayActive, billable: pr.billing !== 2, base: pr.base[role], inc: pr.inc[role],
      split: date(pr.split), rate_mode: a.rateMode, rate_delta: a.rateDelta,
    }
  }))
  await insert('_firm_cards', plan.cards.map((c, i) => ({
    idx: i, key: c.key, project_key: projects[c.project].key, role: ROLES[c.role].name, rate: c.rate, from: ymd(c.from), to: date(c.to), loaded: chTime(c.loaded),
  })))
  await insert('_firm_accounts', plan.accounts.map((a, i) => ({ idx: i, ...a })))
  await insert('_firm_opps', plan.opps.map((o, i) => ({
    idx: i, key: o.key, account_key: o.accountKey, name: o.name, amount: o.amount, close: ymd(o.close), created: ymd(o.created),
    won_at: time(o.wonAt), lost: o.lost, open_stage: o.openStage, owner: o.owner,
  })))
  // Lookups by person (p), assignment (4p + k) and project index; a missing assignment never covers a day.
  const never = 2 ** 31 - 1
  const aPrj = new Array<number>(plan.P * 4).fill(0)
  const aS = new Array<number>(plan.P * 4).fill(never)
  const aE = new Array<number>(plan.P * 4).fill(-1)
  for (const a of assignments) {
    if (a.p >= plan.P || a.cancelled) continue
    aPrj[a.idx] = a.prj
    aS[a.idx] = a.start
    aE[a.idx] = a.end
  }
  const timePeople = people.slice(0, plan.P)
  const practices = ['Strategy', 'Data & AI', 'Technology', 'Finance Transformation']
  await insert('_firm_arrays', [{
    p_role: timePeople.map((p) => p.role), p_pract: timePeople.map((p) => practices.indexOf(p.practice)),
    p_silent: timePeople.map((p) => p.silent), a_prj: aPrj, a_s: aS, a_e: aE,
    r_bill: projects.map((p) => p.billing), r_split: projects.map((p) => p.split ?? never),
    r_base: projects.flatMap((p) => p.base), r_inc: projects.flatMap((p) => p.inc),
    r_acc: projects.map((p) => p.accountKey ?? ''), p_dev: plan.practiceDev,
  }])
}

/** One INSERT per (system, entity): every monthly snapshot and the final one, via ARRAY JOIN. */
export async function writeSnapshots(db: Db, plan: Plan, batches: Batches): Promise<void> {
  const at = (minutes: number) => [...plan.monthEnds.map((e) => e * DAY + minutes * 60_000)]
  const obs = (system: string, entity: string, instants: number[]) =>
    '[' + instants.map((ms) => {
      const b = batches.open(system, entity, 'full', ms)
      return `(toDate('${ymd(Math.floor(ms / DAY))}'), toDateTime64('${chTime(ms)}', 3, 'UTC'), '${b.uid}', toDateTime64('${b.receivedAt}', 6, 'UTC'))`
    }).join(', ') + ']'
  const run = (query: string) => db.client.command({ query, clickhouse_settings: { max_threads: 2 } })
  const hr = [...at(20 * 60), plan.final.hr]
  const psa = [...at(20 * 60 + 30), plan.final.psa]
  const erp = [...at(21 * 60), plan.final.erp]
  const crm = [...at(21 * 60 + 30), plan.final.crm]
  const bookkeeping = `'', o.2, o.4, idx + 1, o.3`
  const tail = `extra, observed_at, received_at, line, batch_uid`

  await run(`INSERT INTO entity_resource (system, kind, key, native_id, deleted, name, email, practice, region, employment_type, status,
      hire_date, termination_date, weekly_capacity_hours, cost_rate, currency, ${tail})
    SELECT 'workday', 'hr', key, 'WD-' || toString(100000 + idx), false, name, email, practice, region, employment,
      if(term IS NOT NULL AND term <= o.1, 'terminated', 'active'), hire, if(term IS NOT NULL AND term <= o.1 + 14, term, NULL), capacity,
      if(o.1 >= raise, cost_new, cost_old), 'USD', ${bookkeeping}
    FROM _firm_people ARRAY JOIN ${obs('workday', 'resource', hr)} AS o WHERE hire <= o.1 + 21`)
  // PSA: never told about the untold leavers; PSA's copy of the cost rate is the old one.
  await run(`INSERT INTO entity_resource (system, kind, key, native_id, deleted, name, email, practice, region, employment_type, status,
      hire_date, termination_date, weekly_capacity_hours, cost_rate, currency, ${tail})
    SELECT 'kantata', 'psa', key, 'KU-' || key, false, name, email, practice, region, employment,
      if(NOT untold AND term IS NOT NULL AND term <= o.1, 'terminated', 'active'), hire,
      if(NOT untold AND term IS NOT NULL AND term <= o.1 + 14, term, NULL), capacity, if(psa_cost_null, NULL, cost_old), 'USD', ${bookkeeping}
    FROM _firm_people ARRAY JOIN ${obs('kantata', 'resource', psa)} AS o WHERE in_psa AND hire <= o.1 + 21`)
  const status = (side: 'erp' | 'psa') =>
    `multiIf(end IS NOT NULL AND end < o.1, ${side === 'psa' ? `if(never_closed, 'active', 'closed')` : `'closed'`},
             hold IS NOT NULL AND hold <= o.1, 'on_hold', start > o.1, 'planned', 'active')`
  for (const [system, side, created, native, instants] of [['netsuite', 'erp', 'created_erp', `'NS-' || toString(4001 + idx)`, erp], ['kantata', 'psa', 'created_psa', `'KW-' || toString(9001 + idx)`, psa]] as const)
    await run(`INSERT INTO entity_project (system, kind, key, native_id, deleted, account_key, opportunity_key, name, status, billing_type,
        start_date, end_date, budget_hours, budget_amount, currency, practice, region, manager_email, created_at, ${tail})
      SELECT '${system}', '${side}', key, ${native}, false, account_key, opp_key, name, ${status(side)}, billing, start, end, budget_hours,
        budget_amount, 'USD', practice, region, manager, ${created}, ${bookkeeping}
      FROM _firm_projects ARRAY JOIN ${obs(system, 'project', instants)} AS o WHERE ${created} IS NOT NULL AND ${created} <= o.2`)
  // PSA stamps the card's rate effective on the day (the last day, once finished); plants override it.
  const card = `if(split IS NOT NULL AND least(o.1, end) >= split, inc, base)`
  await run(`INSERT INTO entity_assignment (system, kind, key, native_id, deleted, project_key, resource_key, role, start_date, end_date,
      planned_hours, bill_rate, currency, status, ${tail})
    SELECT 'kantata', 'psa', key, 'KA-' || toString(70000 + idx), false, project_key, resource_key, role, start, end, planned,
      if(billable, toDecimal64(multiIf(rate_mode = 1, base, rate_mode = 2, ${card} + rate_delta, ${card}), 2), NULL), if(billable, 'USD', NULL),
      multiIf(cancelled, 'cancelled', stay_active, 'active', end < o.1, 'completed', 'active'), ${bookkeeping}
    FROM _firm_asg ARRAY JOIN ${obs('kantata', 'assignment', psa)} AS o WHERE start - 10 <= o.1`)
  await run(`INSERT INTO entity_rate_card (system, kind, key, deleted, project_key, role, bill_rate, currency, effective_from, effective_to, ${tail})
    SELECT 'netsuite', 'erp', key, false, project_key, role, rate, 'USD', from, to, ${bookkeeping}
    FROM _firm_cards ARRAY JOIN ${obs('netsuite', 'rate_card', erp)} AS o WHERE loaded <= o.2`)
  for (const [system, kind, native, instants] of [['salesforce', 'crm', `'001Dm0000' || toString(idx)`, crm], ['netsuite', 'erp', `'NSC-' || toString(idx)`, erp]] as const)
    await run(`INSERT INTO entity_account (system, kind, key, native_id, deleted, name, region, status, ${tail})
      SELECT '${system}', '${kind}', key, ${native}, false, name, region, 'active', ${bookkeeping}
      FROM _firm_accounts ARRAY JOIN ${obs(system, 'account', instants)} AS o`)
  const won = `(won_at IS NOT NULL AND won_at <= o.2)`
  await run(`INSERT INTO entity_opportunity (system, kind, key, native_id, updated_at, deleted, account_key, name, stage, amount, currency,
      close_date, is_won, is_closed, won_at, owner_email, ${tail})
    SELECT 'salesforce', 'crm', key, '006Dm0000' || toString(idx), if(${won}, won_at, NULL), false, account_key, name,
      multiIf(${won}, 'Closed Won', lost AND close <= o.1, 'Closed Lost', open_stage), amount, 'USD', close, ${won}, ${won} OR (lost AND close <= o.1),
      if(${won}, won_at, NULL), owner, ${bookkeeping}
    FROM _firm_opps ARRAY JOIN ${obs('salesforce', 'opportunity', crm)} AS o WHERE created <= o.1`)
}

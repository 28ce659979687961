// A small firm for gross_margin, forecast_accuracy and bench_capacity whose every figure is
// computed by hand in test/kpis-measures.int.test.ts. As of 2026-06-30T12:00Z (a Tuesday);
// EUR rates from 2026-06-02 (1.1) and 2026-06-15 (1.2); GBP has none.
import { ingest, ndjson } from './server.ts'

export const AS_OF = '2026-06-30T12:00:00Z'
export const JUNE = { from: '2026-06-01', to: '2026-06-30' }

const person = (key: string, name: string, practice: string, more: object = {}) => ({
  key, name, practice, employment_type: 'employee', status: 'active', hire_date: '2025-01-01', weekly_capacity_hours: 40, ...more,
})

export const RESOURCES = [
  person('r1', 'Alice', 'Strategy', { cost_rate: 50, currency: 'USD' }),
  person('r2', 'Bob', 'Tech', { cost_rate: 40, currency: 'EUR' }),
  // No cost rate; hired on day 4 of the 20 bench days; 4 hours a day.
  person('r3', 'Carol', 'Tech', { weekly_capacity_hours: 20, hire_date: '2026-07-06' }),
  // Leaves after day 8 of the 20 bench days.
  person('r4', 'Dan', 'Strategy', { cost_rate: 60, termination_date: '2026-07-10' }),
  person('r5', 'Erin', 'Tech', { status: 'terminated', termination_date: '2026-05-31', cost_rate: 10 }),
]

const project = (key: string, practice: string, billing_type = 'time_and_materials') => ({ key, name: `Project ${key}`, status: 'active', billing_type, practice })
export const PROJECTS = [project('P1', 'Strategy'), project('P2', 'Tech'), project('P3', 'Tech', 'fixed_fee'), project('P4', 'Strategy')]

export const FX = [
  { key: 'EUR-2026-06-02', currency: 'EUR', rate_date: '2026-06-02', rate: '1.1' },
  { key: 'EUR-2026-06-15', currency: 'EUR', rate_date: '2026-06-15', rate: '1.2' },
]

const erp = (key: string, resource_key: string, project_key: string, work_date: string, hours: number, bill_rate: number, currency: string | null, more: object = {}) => ({
  key, resource_key, project_key, work_date, hours, bill_rate, ...(currency ? { currency } : {}), billable: true, status: 'approved', ...more,
})

/** ERP time (gross margin). Revenue − cost in USD per entry in the comments. */
export const ERP_TIME = [
  erp('e01', 'r1', 'P1', '2026-06-02', 8, 100, 'USD'), // 800 − 400
  erp('e02', 'r2', 'P2', '2026-06-03', 10, 90, 'EUR'), // 990 − 440 (EUR at 1.1)
  erp('e03', 'r2', 'P2', '2026-06-16', 5, 100, 'EUR'), // 600 − 240 (1.2)
  erp('e04', 'r3', 'P2', '2026-06-04', 6, 80, 'EUR'), // no cost rate: coverage only
  erp('e05', 'r1', 'P1', '2026-06-05', 4, 100, 'GBP'), // no GBP rate: left out, fx_coverage < 1
  erp('e06', 'r1', 'P3', '2026-06-05', 4, 100, 'USD'), // fixed fee
  erp('e07', 'r1', 'P1', '2026-05-29', 2, 100, null), // May, no currency (USD): 200 − 100
  erp('e08', 'r1', 'P1', '2026-06-10', 2, 100, 'USD', { status: 'submitted' }),
  erp('e09', 'r4', 'P1', '2026-06-11', 3, 120, 'USD', { billable: false }),
  erp('e10', 'r2', 'P2', '2026-06-01', 2, 90, 'EUR'), // before the first EUR rate: left out
  erp('e11', 'r2', 'P2', '2026-06-15', 1, 100, 'EUR'), // on the rate's own day: 120 − 48
  erp('e12', 'r2', 'P1', '2026-06-22', 2, 100, 'USD'), // cost in EUR: 200 − 96
  erp('e13', 'r3', 'P1', '2026-06-08', 3, 50, 'GBP'), // no cost rate, no revenue rate: nowhere
  erp('e14', 'rX', 'P1', '2026-06-09', 1, 100, 'USD'), // not in HR: coverage only
  erp('e15', 'r1', 'P4', '2026-06-30', 1, 100, 'USD'), // the period's last day: 100 − 50
]

const assignment = (key: string, resource_key: string, project_key: string, start_date: string, end_date: string | null, planned_hours: number | null, status = 'active') => ({
  key, resource_key, project_key, start_date, ...(end_date ? { end_date } : {}), ...(planned_hours !== null ? { planned_hours } : {}), status,
})

export const ASSIGNMENTS = [
  assignment('a1', 'r1', 'P1', '2026-06-01', '2026-06-12', 80), // 10 weekdays, all in June: planned 80
  assignment('a2', 'r2', 'P2', '2026-05-25', '2026-06-05', 100, 'completed'), // 5 of 10 in June: 50
  assignment('a3', 'r1', 'P4', '2026-06-06', '2026-06-07', 10), // a weekend: no weekday, left out
  assignment('a4', 'r3', 'P2', '2026-06-01', '2026-06-30', 50, 'cancelled'),
  assignment('a5', 'r2', 'P1', '2026-06-01', null, 40), // no end date
  assignment('a6', 'r4', 'P4', '2026-06-22', '2026-07-03', 30), // 7 of 10 in June: 21; 3 a day
  assignment('a7', 'r1', 'P1', '2026-06-01', '2026-06-30', 0), // nothing planned
  // Bench (July 1 .. July 28): 4 a day, and 6 a day in the week of July 6.
  assignment('a8', 'r1', 'P1', '2026-07-01', '2026-07-14', 40),
  assignment('a9', 'r1', 'P4', '2026-07-06', '2026-07-10', 30),
  assignment('a10', 'r1', 'P1', '2026-07-15', '2026-07-28', 100, 'completed'), // not active
]

const psa = (key: string, resource_key: string, project_key: string, work_date: string, hours: number, status = 'approved') => ({
  key, resource_key, project_key, work_date, hours, billable: true, status,
})

export const PSA_TIME = [
  // a1: 30 in the week of June 1, 40 in the week of June 8.
  ...['02', '03', '04'].map((d) => psa(`t1-${d}`, 'r1', 'P1', `2026-06-${d}`, 8)),
  psa('t1-05', 'r1', 'P1', '2026-06-05', 6),
  ...['08', '09', '10', '11', '12'].map((d) => psa(`t1-${d}`, 'r1', 'P1', `2026-06-${d}`, 8)),
  psa('t1-15', 'r1', 'P1', '2026-06-15', 8), // after a1 ended
  // a2: 20 in May (outside the period), 60 in June.
  psa('t2-0528', 'r2', 'P2', '2026-05-28', 20),
  ...['01', '02', '03', '04', '05'].map((d) => psa(`t2-${d}`, 'r2', 'P2', `2026-06-${d}`, 12)),
  // a3's weekend time: the assignment is left out, so is its time.
  psa('t3-06', 'r1', 'P4', '2026-06-06', 5),
  // a6: 20 in the week of June 22, 5 on June 29; July and a submitted entry do not count.
  psa('t6-23', 'r4', 'P4', '2026-06-23', 10),
  psa('t6-24', 'r4', 'P4', '2026-06-24', 10),
  psa('t6-25', 'r4', 'P4', '2026-06-25', 4, 'submitted'),
  psa('t6-29', 'r4', 'P4', '2026-06-29', 5),
  psa('t6-0701', 'r4', 'P4', '2026-07-01', 5),
]

/** Sends the firm through the ingest API, one batch per system and entity. */
export async function sendMeasuresFirm(base: string, observedAt = '2026-06-30T06:00:00Z') {
  const batches: Array<[string, string, object[]]> = [
    ['workday', 'resource', RESOURCES],
    ['netsuite', 'project', PROJECTS],
    ['netsuite', 'fx_rate', FX],
    ['netsuite', 'time_entry', ERP_TIME],
    ['kantata', 'assignment', ASSIGNMENTS],
    ['kantata', 'time_entry', PSA_TIME],
  ]
  for (const [system, entity, records] of batches) {
    const q = new URLSearchParams({ batch: `m-${system}-${entity}`, observed_at: observedAt })
    const r = await ingest(base, system, entity, ndjson(records), q.toString())
    if (r.status !== 200) throw new Error(`${system}/${entity}: ${r.status} ${JSON.stringify(r.body)}`)
  }
}

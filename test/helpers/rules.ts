// Tiny firms for rule and exception tests: record builders with the contract's required fields,
// ingest that must accept every line, detection at an as_of, and which entity keys fire.
import { expect } from 'vitest'
import { api, ingest, ndjson } from './server.ts'

/** The default as_of of rule tests, its date D, and when their records were observed. */
export const AS_OF = '2024-06-15T12:00:00.000Z'
export const D = '2024-06-15'
export const OBSERVED = '2024-06-14T00:00:00.000Z'

/** D + n days, as YYYY-MM-DD. */
export function day(n: number, from = D): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** as_of + ms milliseconds, as ISO-8601. */
export function ms(n: number, from = AS_OF): string {
  return new Date(Date.parse(from) + n).toISOString()
}
export const HOUR = 3_600_000

export const SYSTEM = { crm: 'salesforce', erp: 'netsuite', psa: 'kantata', hr: 'workday' } as const

type R = Record<string, unknown>
export const rec = {
  opportunity: (key: string, o: R = {}) => ({
    key, account_key: 'ACC-1', name: key, stage: 'Closed Won', amount: '1000', currency: 'USD', close_date: '2024-01-02', is_won: true, is_closed: true, ...o,
  }),
  project: (key: string, o: R = {}) => ({ key, name: key, status: 'active', billing_type: 'time_and_materials', ...o }),
  resource: (key: string, o: R = {}) => ({ key, name: key, employment_type: 'employee', status: 'active', ...o }),
  assignment: (key: string, o: R = {}) => ({ key, project_key: 'P-1', resource_key: 'R-1', start_date: '2024-01-01', status: 'active', ...o }),
  rate_card: (key: string, o: R = {}) => ({ key, project_key: 'P-1', role: 'Consultant', bill_rate: '100', currency: 'USD', ...o }),
  time_entry: (key: string, o: R = {}) => ({
    key, resource_key: 'R-1', project_key: 'P-1', work_date: '2024-06-10', hours: '8', billable: true, status: 'approved', ...o,
  }),
  expense: (key: string, o: R = {}) => ({
    key, resource_key: 'R-1', project_key: 'P-1', expense_date: '2024-06-10', amount: '10', currency: 'USD', billable: true, status: 'approved', ...o,
  }),
  invoice: (key: string, o: R = {}) => ({
    key, project_key: 'P-1', invoice_date: '2024-06-01', amount: '0', currency: 'USD', status: 'issued', ...o,
  }),
}

/** Ingests records into a system (by system id or kind); every line must be accepted. */
export async function put(
  base: string,
  system: string,
  entity: string,
  records: object[],
  opts: { observed_at?: string; mode?: 'delta' | 'full'; batch?: string } = {},
) {
  const sys = (SYSTEM as Record<string, string>)[system] ?? system
  const q = new URLSearchParams({ mode: opts.mode ?? 'delta', observed_at: opts.observed_at ?? OBSERVED })
  if (opts.batch) q.set('batch', opts.batch)
  const r = await ingest(base, sys, entity, ndjson(records), q.toString())
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  expect(r.body.errors, `${sys}/${entity}`).toEqual([])
  if (!r.body.duplicate) expect(r.body.accepted).toBe(records.length)
  return r.body
}

/** POST /api/v1/detect at as_of; answers the run. */
export async function detect(base: string, asOf = AS_OF) {
  const r = await api(base, `/api/v1/detect?as_of=${encodeURIComponent(asOf)}`, { method: 'POST' })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

/** Every exception of a list query, following next_cursor. */
export async function listAll(base: string, query = '', limit = 200): Promise<any[]> {
  const items: any[] = []
  let cursor: string | null = null
  do {
    const r: any = await api(base, `/api/v1/exceptions?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    items.push(...r.body.items)
    cursor = r.body.next_cursor
  } while (cursor)
  return items
}

/** The open exceptions of a rule whose entity key starts with prefix (the latest run's findings). */
export async function open(base: string, rule: string, prefix = ''): Promise<any[]> {
  return (await listAll(base, `rule=${rule}`)).filter((e) => e.entity_key.startsWith(prefix))
}

/** The sorted entity keys of a rule's open exceptions with that prefix. */
export async function fired(base: string, rule: string, prefix = ''): Promise<string[]> {
  return (await open(base, rule, prefix)).map((e) => e.entity_key).sort()
}

/** Open exceptions of a rule by entity key. */
export async function byKey(base: string, rule: string, prefix = ''): Promise<Record<string, any>> {
  return Object.fromEntries((await open(base, rule, prefix)).map((e) => [e.entity_key, e]))
}

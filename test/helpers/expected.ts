// firm-small's answers (expected.json) checked against a server that holds the firm, however the
// firm got there (pushed batches, connector pulls, native export files).
import { expect } from 'vitest'
import { RULE_NAMES } from '../../server/rules/catalog.ts'
import { expected, plan } from './firm.ts'
import { api } from './server.ts'

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))

/** Every exception, page by page (`limit` small enough to cross pages). */
export async function allExceptions(url: string, limit = 200, query = ''): Promise<any[]> {
  const items: any[] = []
  let cursor: string | null = null
  do {
    const r: any = await api(url, `/api/v1/exceptions?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(r.status).toBe(200)
    items.push(...r.body.items)
    cursor = r.body.next_cursor
  } while (cursor)
  return items
}

/** Exactly the exceptions of every rule but those `skip` names (with the reason at the caller). */
export async function expectExpectedExceptions(url: string, skip: readonly string[]): Promise<void> {
  const items = await allExceptions(url)
  const byRule: Record<string, string[]> = {}
  for (const e of items) (byRule[e.rule] ??= []).push(e.entity_key)
  for (const rule of RULE_NAMES) {
    if (skip.includes(rule)) continue
    expect([...(byRule[rule] ?? [])].sort(), rule).toEqual([...(expected.exceptions[rule] ?? [])].sort())
  }
  const total = Object.entries(expected.exceptions as Record<string, string[]>).filter(([k]) => !skip.includes(k)).reduce((n, [, v]) => n + v.length, 0)
  expect(items.length).toBe(total)
}

/** Every KPI of expected.json, with its breakdowns, as of the firm's as_of. */
export async function expectExpectedKpis(url: string): Promise<void> {
  const k = expected.kpis
  const q = (name: string, extra = '') => api(url, `/api/v1/kpis/${name}?as_of=${plan.as_of}${extra}`).then((r) => r.body)
  const u = await q('utilization', `&from=${k.utilization.from}&to=${k.utilization.to}&by=practice`)
  expect(close(u.value, k.utilization.value)).toBe(true)
  expect(u.numerator).toBe(k.utilization.numerator)
  expect(u.denominator).toBe(k.utilization.denominator)
  for (const [practice, v] of Object.entries<number>(k.utilization.by_practice)) expect(close(u.rows.find((r: any) => r.group === practice).value, v), practice).toBe(true)
  const w = await q('unbilled_wip', '&by=age')
  expect(close(w.value, k.unbilled_wip.value)).toBe(true)
  for (const [bucket, v] of Object.entries<number>(k.unbilled_wip.by_age)) expect(close(w.rows.find((r: any) => r.group === bucket).value, v), bucket).toBe(true)
  expect(close((await q('backlog')).value, k.backlog.value)).toBe(true)
  const b = await q('billing_cycle_days', `&from=${k.billing_cycle_days.from}&to=${k.billing_cycle_days.to}`)
  expect(close(b.value, k.billing_cycle_days.value)).toBe(true)
  expect(b.denominator).toBe(k.billing_cycle_days.n)
  const p = await q('pipeline_to_project_hours', `&from=${k.pipeline_to_project_hours.from}&to=${k.pipeline_to_project_hours.to}`)
  expect(p.n).toBe(k.pipeline_to_project_hours.n)
  expect(close(p.value, k.pipeline_to_project_hours.value)).toBe(true)
  expect(close(p.median_low, k.pipeline_to_project_hours.median_low)).toBe(true)
  expect(close(p.median_high, k.pipeline_to_project_hours.median_high)).toBe(true)
  const r = await q('realization', `&from=${k.realization.from}&to=${k.realization.to}`)
  expect(close(r.value, k.realization.value)).toBe(true)
}

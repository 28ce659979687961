// GET /api/v1/exceptions (CONTRACT §4): filters (rule, severity, owner, status, q over entity key
// and details, overdue, system), sorts (money at risk, age, due), 404 and 400 naming the parameter.
import { beforeAll, describe, expect, it } from 'vitest'
import { api } from './helpers/server.ts'
import { AS_OF, HOUR, detect, listAll, ms, put, rec } from './helpers/rules.ts'
import { useServer } from './helpers/fixture.ts'

let base: string
const T1 = AS_OF
const T2 = ms(HOUR)
let T3: string
const approved = { approved_at: '2024-06-01T00:00:00Z' }

const server = useServer()
beforeAll(async () => {
  base = server.url
  // First seen at T1: four approved PSA entries missing in the ERP. Distinct days, so none is a
  // duplicate_time_entry of another.
  await put(base, 'psa', 'time_entry', [
    rec.time_entry('LST-a', { ...approved, hours: '8', bill_rate: '100' }),
    rec.time_entry('LST-b', { ...approved, hours: '8', bill_rate: '150', work_date: '2024-06-11' }),
    rec.time_entry('LST-d', { ...approved, hours: '4', bill_rate: '100', billable: false }),
  ])
  await detect(base, T1)
  // First seen at T2: one more of those, an hours mismatch, an employee missing in the PSA.
  await put(base, 'psa', 'time_entry', [
    rec.time_entry('LST-c', { ...approved, hours: '4', bill_rate: '100', resource_key: 'NEEDLE-Consultant' }),
    rec.time_entry('LST-m', { hours: '8', bill_rate: '150', work_date: '2024-06-12' }),
  ], { observed_at: ms(30 * 60_000) })
  await put(base, 'erp', 'time_entry', [rec.time_entry('LST-m', { hours: '7', bill_rate: '150', work_date: '2024-06-12' })], { observed_at: ms(30 * 60_000) })
  await put(base, 'hr', 'resource', [rec.resource('LST-r', { practice: 'Strategy' })], { observed_at: ms(30 * 60_000) })
  await detect(base, T2)
  // First seen now: due in the future, so not overdue.
  await put(base, 'psa', 'time_entry', [rec.time_entry('LST-now', { ...approved, hours: '0.5', bill_rate: '100' })], {
    observed_at: new Date(Date.now() - 60_000).toISOString(),
  })
  T3 = new Date().toISOString()
  await detect(base, T3)
  // One resolved by hand.
  const [d] = await listAll(base, 'entity_key=LST-d')
  const r = await api(base, `/api/v1/exceptions/${d.id}/actions`, {
    method: 'POST', body: JSON.stringify({ action: 'resolve', note: 'Internal time' }), headers: { 'content-type': 'application/json' },
  })
  expect(r.status).toBe(200)
})

const keys = async (query: string) => (await listAll(base, query)).map((e) => e.entity_key)
const lst = (ks: string[]) => ks.filter((k) => k.startsWith('LST-'))

describe('filters', () => {
  it('rule, severity, owner and system', async () => {
    expect((await keys('rule=time_entry_missing_in_erp')).sort()).toEqual(['LST-a', 'LST-b', 'LST-c', 'LST-now'])
    expect((await keys('rule=time_entry_hours_mismatch,resource_missing_in_psa')).sort()).toEqual(['LST-m', 'LST-r'])
    expect((await keys('rule=time_entry_hours_mismatch&rule=resource_missing_in_psa')).sort()).toEqual(['LST-m', 'LST-r'])
    expect((await keys('severity=medium')).sort()).toEqual(['LST-m', 'LST-r'])
    expect((await keys('owner=resource-management')).sort()).toEqual(['LST-r'])
    const critical = await listAll(base, 'severity=critical')
    expect(critical.length).toBeGreaterThan(0)
    expect(critical.every((e) => e.rule === 'source_stale')).toBe(true)
    // LST-r came from workday; so did any source_stale exception of workday itself.
    expect(lst(await keys('system=workday'))).toEqual(['LST-r'])
    expect((await listAll(base, 'system=workday')).every((e) => e.systems.includes('workday'))).toBe(true)
    expect(lst(await keys('system=netsuite'))).toEqual(['LST-m'])
  })

  it('status: open and acknowledged by default, resolved, all', async () => {
    expect(lst(await keys(''))).not.toContain('LST-d')
    // LST-d by hand; kantata's source_stale by the run at T3, when kantata had sent a batch.
    const resolved = await listAll(base, 'status=resolved')
    expect(resolved.map((e) => [e.entity_key, e.resolution]).sort()).toEqual([['LST-d', 'manual'], ['kantata', 'auto']])
    expect(resolved.every((e) => e.status === 'resolved' && e.resolved_at)).toBe(true)
    expect(lst(await keys('status=all')).sort()).toEqual(['LST-a', 'LST-b', 'LST-c', 'LST-d', 'LST-m', 'LST-now', 'LST-r'])
    expect(lst(await keys('status=open,resolved')).sort()).toEqual(['LST-a', 'LST-b', 'LST-c', 'LST-d', 'LST-m', 'LST-now', 'LST-r'])
    expect(lst(await keys('status=acknowledged'))).toEqual([])
  })

  it('q searches the entity key and the details, case-insensitively', async () => {
    expect(await keys('q=needle-consultant')).toEqual(['LST-c'])
    expect(await keys('q=lst-b')).toEqual(['LST-b'])
    expect(await keys('q=no-such-text-anywhere')).toEqual([])
    expect(await keys('q=needle&rule=time_entry_hours_mismatch')).toEqual([])
  })

  it('overdue: due_at before now and not resolved', async () => {
    const overdue = await listAll(base, 'overdue=true')
    expect(lst(overdue.map((e) => e.entity_key)).sort()).toEqual(['LST-a', 'LST-b', 'LST-c', 'LST-m', 'LST-r'])
    expect(overdue.every((e) => e.overdue && Date.parse(e.due_at) < Date.now())).toBe(true)
    const onTime = await listAll(base, 'overdue=false')
    expect(lst(onTime.map((e) => e.entity_key))).toEqual(['LST-now'])
    expect(onTime.every((e) => !e.overdue && Date.parse(e.due_at) > Date.now())).toBe(true)
    expect((await listAll(base, 'overdue=true&status=resolved')).length).toBe(0)
  })
})

describe('sorts', () => {
  const rule = 'rule=time_entry_missing_in_erp&status=all'
  it('by money at risk, both ways (default: largest first)', async () => {
    const desc = await listAll(base, `${rule}&sort=-amount_at_risk`)
    expect(desc.map((e) => [e.entity_key, e.amount_at_risk])).toEqual([
      ['LST-b', 1200], ['LST-a', 800], ['LST-c', 400], ['LST-now', 50], ['LST-d', 0],
    ])
    expect(await keys(rule)).toEqual(desc.map((e) => e.entity_key))
    expect(await keys(`${rule}&sort=amount_at_risk`)).toEqual(['LST-d', 'LST-now', 'LST-c', 'LST-a', 'LST-b'])
  })

  it('by age (oldest first) and by due date, across rules and pages', async () => {
    const all = 'status=all&q=LST-'
    const age = await listAll(base, `${all}&sort=age`, 2)
    const firstSeen = Object.fromEntries(age.map((e) => [e.entity_key, e.first_detected_at]))
    expect(firstSeen).toEqual({ 'LST-a': T1, 'LST-b': T1, 'LST-d': T1, 'LST-c': T2, 'LST-m': T2, 'LST-r': T2, 'LST-now': T3 })
    const ages = age.map((e) => Date.parse(e.first_detected_at))
    expect(ages).toEqual([...ages].sort((a, b) => a - b))
    expect((await keys(`${all}&sort=-age`)).at(0)).toBe('LST-now')

    // high: 24 h, medium: 72 h after first detection.
    const due = await listAll(base, `${all}&sort=due_at`, 3)
    expect(due.find((e) => e.entity_key === 'LST-m').due_at).toBe(ms(72 * HOUR, T2))
    expect(due.find((e) => e.entity_key === 'LST-a').due_at).toBe(ms(24 * HOUR, T1))
    const dues = due.map((e) => Date.parse(e.due_at))
    expect(dues).toEqual([...dues].sort((a, b) => a - b))
    // Equal due dates in id order: compare as groups.
    const groups = (ks: string[]) => [ks.slice(0, 3).sort(), ks[3], ks.slice(4, 6).sort(), ks[6]]
    expect(groups(due.map((e) => e.entity_key))).toEqual([['LST-a', 'LST-b', 'LST-d'], 'LST-c', ['LST-m', 'LST-r'], 'LST-now'])
    const reversed = await keys(`${all}&sort=-due_at`)
    expect([reversed[0], reversed.slice(1, 3).sort(), reversed[3], reversed.slice(4).sort()]).toEqual([
      'LST-now', ['LST-m', 'LST-r'], 'LST-c', ['LST-a', 'LST-b', 'LST-d'],
    ])
  })
})

describe('errors', () => {
  it('GET of an unknown id answers 404', async () => {
    const r = await api(base, '/api/v1/exceptions/does-not-exist')
    expect(r.status).toBe(404)
    expect(r.body.error).toMatchObject({ code: 'not_found' })
    expect(r.body.error.message).toContain('does-not-exist')
  })

  it.each([
    ['sort=bogus', 'sort'],
    ['limit=0', 'limit'],
    ['limit=10001', 'limit'],
    ['limit=ten', 'limit'],
    ['status=nope', 'status'],
    ['rule=no_such_rule', 'rule'],
    ['severity=urgent', 'severity'],
    ['overdue=maybe', 'overdue'],
    ['colour=red', 'colour'],
    ['cursor=!!!', 'cursor'],
  ])('%s answers 400 naming %s', async (query, param) => {
    const r = await api(base, `/api/v1/exceptions?${query}`)
    expect(r.status).toBe(400)
    expect(r.body.error.code).toMatch(/^bad_/)
    expect(r.body.error.message).toContain(param)
  })
})

// The exception workflow of CONTRACT §4: auto-resolve and reopen, manual resolution, routing
// precedence, single and bulk triage actions, and the append-only history in order.
import { describe, expect, it } from 'vitest'
import { api } from './helpers/server.ts'
import { AS_OF, HOUR, detect, listAll, put, rec } from './helpers/rules.ts'
import { useServer } from './helpers/fixture.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'

const server = useServer({
  config: parseConfig({
    sources: DEMO_SOURCES,
    sla_hours: { high: 10 },
    rules: {
      project_missing_in_psa: { severity: 'high' },
      project_missing_in_erp: { owner: 'never-used' },
      resource_cost_rate_mismatch: { owner: 'hr-data@firm.example' },
    },
    routing: [
      { match: { rule: 'project_missing_in_psa', practice: 'Strategy' }, owner: 'strategy-lead@firm.example' },
      { match: { rule: 'project_missing_in_psa' }, owner: 'delivery-pmo' },
      { match: { severity: 'high' }, owner: 'escalations' },
    ],
  }),
})

// Every ingest and detection of this file happens a minute after the previous one.
let clock = Date.parse(AS_OF)
const tick = () => new Date((clock += 60_000)).toISOString()

async function find(rule: string, key: string) {
  const [e] = await listAll(server.url, `status=all&rule=${rule}&entity_key=${key}`)
  return e
}
const get = async (id: string) => (await api(server.url, `/api/v1/exceptions/${id}`)).body
const act = (id: string, body: object) =>
  api(server.url, `/api/v1/exceptions/${id}/actions`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
const bulk = (body: object) =>
  api(server.url, '/api/v1/exceptions/actions', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
const hoursPair = (key: string, psa: string, erp: string) =>
  Promise.all([
    put(server.url, 'psa', 'time_entry', [rec.time_entry(key, { hours: psa, bill_rate: '100' })], { observed_at: tick() }),
    put(server.url, 'erp', 'time_entry', [rec.time_entry(key, { hours: erp, bill_rate: '100' })], { observed_at: tick() }),
  ])

describe('detection lifecycle', () => {
  it('auto-resolves when the condition clears and reopens the same exception when it returns', async () => {
    await hoursPair('WF-A1', '8', '6')
    const t1 = tick()
    await detect(server.url, t1)
    const opened = await find('time_entry_hours_mismatch', 'WF-A1')
    expect(opened).toMatchObject({ status: 'open', resolution: null, first_detected_at: t1, owner: 'finance-ops', amount_at_risk: 200 })

    await put(server.url, 'erp', 'time_entry', [rec.time_entry('WF-A1', { hours: '8', bill_rate: '100' })], { observed_at: tick() })
    const run = await detect(server.url, tick())
    expect(run.auto_resolved).toBe(1)
    const resolved = await get(opened.id)
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'auto', first_detected_at: t1 })
    expect(resolved.resolved_at).not.toBeNull()
    expect((await listAll(server.url, 'rule=time_entry_hours_mismatch')).map((e) => e.entity_key)).not.toContain('WF-A1')

    await put(server.url, 'erp', 'time_entry', [rec.time_entry('WF-A1', { hours: '7.5', bill_rate: '100' })], { observed_at: tick() })
    const t3 = tick()
    const back = await detect(server.url, t3)
    expect(back).toMatchObject({ opened: 0, reopened: 1, auto_resolved: 0 })
    const again = await get(opened.id)
    expect(again).toMatchObject({ status: 'open', resolution: null, resolved_at: null, first_detected_at: t1, last_detected_at: t3, amount_at_risk: 50 })
    expect(again.due_at).toBe(new Date(Date.parse(t3) + 72 * HOUR).toISOString())
    expect(again.history.map((h: any) => [h.type, h.actor])).toEqual([
      ['opened', 'crosswalk'], ['auto_resolved', 'crosswalk'], ['reopened', 'crosswalk'],
    ])
    expect((await listAll(server.url, 'status=all&entity_key=WF-A1')).length).toBe(1)
  })

  it('a manual resolution stays resolved while still detected, and reopens once the condition cleared and returned', async () => {
    await hoursPair('WF-M1', '8', '5')
    await detect(server.url, tick())
    const e = await find('time_entry_hours_mismatch', 'WF-M1')
    expect((await act(e.id, { action: 'resolve', note: 'ERP corrected by hand, sync pending' })).status).toBe(200)
    const still = await detect(server.url, tick())
    expect(still.reopened).toBe(0)
    expect(await get(e.id)).toMatchObject({ status: 'resolved', resolution: 'manual' })

    await put(server.url, 'erp', 'time_entry', [rec.time_entry('WF-M1', { hours: '8', bill_rate: '100' })], { observed_at: tick() })
    await detect(server.url, tick())
    expect((await get(e.id)).history.map((h: any) => h.type)).toEqual(['opened', 'resolved'])

    await put(server.url, 'erp', 'time_entry', [rec.time_entry('WF-M1', { hours: '4', bill_rate: '100' })], { observed_at: tick() })
    await detect(server.url, tick())
    const back = await get(e.id)
    expect(back).toMatchObject({ status: 'open', resolution: null })
    expect(back.history.map((h: any) => h.type)).toEqual(['opened', 'resolved', 'reopened'])
  })
})

describe('routing', () => {
  it('the first matching route wins; otherwise the rule owner from the config, else the default', async () => {
    await put(server.url, 'erp', 'project', [
      rec.project('WF-R-strategy', { practice: 'Strategy' }),
      rec.project('WF-R-tech', { practice: 'Technology' }),
    ], { observed_at: tick() })
    await put(server.url, 'psa', 'project', [rec.project('WF-R-psa', { practice: 'Strategy' })], { observed_at: tick() })
    await put(server.url, 'hr', 'resource', [rec.resource('WF-R-hr'), rec.resource('WF-R-cost', { cost_rate: '90' })], { observed_at: tick() })
    await put(server.url, 'psa', 'resource', [rec.resource('WF-R-cost', { cost_rate: '95' })], { observed_at: tick() })
    const t = tick()
    await detect(server.url, t)

    const strategy = await find('project_missing_in_psa', 'WF-R-strategy')
    expect(strategy).toMatchObject({ owner: 'strategy-lead@firm.example', severity: 'high', practice: 'Strategy' })
    expect(strategy.due_at).toBe(new Date(Date.parse(t) + 10 * HOUR).toISOString()) // sla_hours.high
    expect((await find('project_missing_in_psa', 'WF-R-tech')).owner).toBe('delivery-pmo')
    // A high exception of another rule: the severity route, before the rule's configured owner.
    expect(await find('project_missing_in_erp', 'WF-R-psa')).toMatchObject({ owner: 'escalations', severity: 'high' })
    expect(await find('resource_missing_in_psa', 'WF-R-hr')).toMatchObject({ owner: 'resource-management', severity: 'medium' })
    expect(await find('resource_cost_rate_mismatch', 'WF-R-cost')).toMatchObject({ owner: 'hr-data@firm.example', severity: 'low' })
    expect((await find('resource_missing_in_psa', 'WF-R-hr')).due_at).toBe(new Date(Date.parse(t) + 72 * HOUR).toISOString())
  })
})

describe('triage actions', () => {
  it('acknowledge, assign, comment, resolve with a note, reopen: each an event in order, wrong ones refused', async () => {
    await put(server.url, 'crm', 'opportunity', [rec.opportunity('WF-S1')], { observed_at: tick() })
    await detect(server.url, tick())
    const { id } = await find('won_opportunity_without_project', 'WF-S1')
    expect((await get(id)).owner).toBe('escalations')

    const noNote = await act(id, { action: 'resolve' })
    expect(noNote.status).toBe(400)
    expect(noNote.body.error.message).toMatch(/note/)
    expect((await act(id, { action: 'resolve', note: '   ' })).status).toBe(400)
    expect((await act(id, { action: 'assign' })).status).toBe(400)
    expect((await act(id, { action: 'escalate' })).status).toBe(400)
    expect((await act(id, { action: 'acknowledge', extra: 1 })).status).toBe(400)
    expect((await api(server.url, `/api/v1/exceptions/${id}/actions`, { method: 'POST', body: '{nope' })).status).toBe(400)

    expect((await act(id, { action: 'acknowledge' })).body.status).toBe('acknowledged')
    expect((await act(id, { action: 'acknowledge' })).status).toBe(409)
    expect((await act(id, { action: 'assign', owner: 'jane@firm.example' })).body.owner).toBe('jane@firm.example')
    expect((await act(id, { action: 'comment', note: 'Asked the AE for the SOW' })).body.status).toBe('acknowledged')
    const resolved = await act(id, { action: 'resolve', note: 'Project created by hand' })
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'manual', owner: 'jane@firm.example' })
    for (const action of ['acknowledge', 'assign', 'resolve']) {
      const r = await act(id, { action, owner: 'x@firm.example', note: 'again' })
      expect(r.status, action).toBe(409)
      expect(r.body.error.code).toBe('conflict')
    }
    expect((await act(id, { action: 'reopen', note: 'The project was the wrong one' })).body).toMatchObject({ status: 'open', resolution: null })
    expect((await act(id, { action: 'reopen' })).status).toBe(409)

    // Re-detection of the reopened exception changes nothing: no event, the assignee stays.
    await detect(server.url, tick())
    const e = await get(id)
    expect(e.owner).toBe('jane@firm.example')
    expect(e.history.map((h: any) => [h.type, h.actor, h.note, h.owner])).toEqual([
      ['opened', 'crosswalk', null, null],
      ['acknowledged', 'admin', null, null],
      ['assigned', 'admin', null, 'jane@firm.example'],
      ['commented', 'admin', 'Asked the AE for the SOW', null],
      ['resolved', 'admin', 'Project created by hand', null],
      ['reopen', 'admin', 'The project was the wrong one', null],
    ])
    const times = e.history.map((h: any) => Date.parse(h.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(new Set(e.history.map((h: any) => h.id)).size).toBe(6)
    expect(e.transactions).toEqual([])
  })

  it('unknown ids answer 404', async () => {
    const r = await api(server.url, '/api/v1/exceptions/0123456789abcdef01234567')
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('not_found')
    expect((await act('0123456789abcdef01234567', { action: 'acknowledge' })).status).toBe(404)
  })
})

describe('bulk actions', () => {
  it('act on a list of ids or on the current filter, skipping with reasons what does not apply', async () => {
    await put(server.url, 'erp', 'project', [rec.project('WF-B-P', { status: 'closed' })], { observed_at: tick() })
    await put(server.url, 'psa', 'assignment', ['WF-B1', 'WF-B2', 'WF-B3', 'WF-B4'].map((k) => rec.assignment(k, { project_key: 'WF-B-P' })), {
      observed_at: tick(),
    })
    await detect(server.url, tick())
    const ids = Object.fromEntries((await listAll(server.url, 'rule=assignment_on_closed_project')).map((e) => [e.entity_key, e.id]))
    expect(Object.keys(ids).sort()).toEqual(['WF-B1', 'WF-B2', 'WF-B3', 'WF-B4'])

    const byIds = await bulk({ ids: [ids['WF-B1'], ids['WF-B2'], 'ffffffffffffffffffffffff'], action: 'acknowledge' })
    expect(byIds.status).toBe(200)
    expect(byIds.body).toMatchObject({ action: 'acknowledge', applied: 2, skipped: 1 })
    expect(byIds.body.results.skipped).toEqual([{ id: 'ffffffffffffffffffffffff', reason: 'no such exception' }])

    const byFilter = await bulk({ filter: { rule: 'assignment_on_closed_project' }, action: 'acknowledge' })
    expect(byFilter.body).toMatchObject({ applied: 2, skipped: 2 })
    expect([...byFilter.body.results.applied].sort()).toEqual([ids['WF-B3'], ids['WF-B4']].sort())
    expect(byFilter.body.results.skipped).toEqual(
      expect.arrayContaining([ids['WF-B1'], ids['WF-B2']].map((id) => ({ id, reason: 'cannot acknowledge an exception that is acknowledged' }))),
    )

    expect((await bulk({ filter: { rule: 'assignment_on_closed_project' }, action: 'resolve' })).status).toBe(400)
    expect((await bulk({ action: 'acknowledge' })).status).toBe(400)
    expect((await bulk({ filter: { colour: 'red' }, action: 'acknowledge' })).status).toBe(400)

    const assign = await bulk({ filter: { rule: 'assignment_on_closed_project', q: 'WF-B3' }, action: 'assign', owner: 'ops@firm.example' })
    expect(assign.body.results.applied).toEqual([ids['WF-B3']])
    const resolve = await bulk({ filter: { rule: 'assignment_on_closed_project' }, action: 'resolve', note: 'Project reopened in ERP' })
    expect(resolve.body).toMatchObject({ applied: 4, skipped: 0 })
    // Resolved ones are not in the default filter any more: nothing to act on.
    expect((await bulk({ filter: { rule: 'assignment_on_closed_project' }, action: 'comment', note: 'x' })).body.applied).toBe(0)
    const reopen = await bulk({ filter: { rule: 'assignment_on_closed_project', status: 'all' }, ids: [ids['WF-B1']], action: 'reopen' })
    expect(reopen.body).toMatchObject({ applied: 4, skipped: 0 })

    const b3 = await get(ids['WF-B3'])
    expect(b3.owner).toBe('ops@firm.example')
    expect(b3.history.map((h: any) => h.type)).toEqual(['opened', 'acknowledged', 'assigned', 'resolved', 'reopen'])
    expect((await get(ids['WF-B1'])).history.map((h: any) => h.type)).toEqual(['opened', 'acknowledged', 'resolved', 'reopen'])

    // Acknowledged or open, a run that no longer reproduces them resolves them.
    await bulk({ ids: [ids['WF-B2']], action: 'acknowledge' })
    await put(server.url, 'erp', 'project', [rec.project('WF-B-P', { status: 'active' })], { observed_at: tick() })
    expect((await detect(server.url, tick())).auto_resolved).toBe(4)
    const b2 = await get(ids['WF-B2'])
    expect(b2).toMatchObject({ status: 'resolved', resolution: 'auto' })
    expect(b2.history.map((h: any) => h.type).slice(-2)).toEqual(['acknowledged', 'auto_resolved'])
  })
})

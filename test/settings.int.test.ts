// Run-time settings: routing, thresholds and SLAs edited through the API take effect at the
// next detection, survive a restart, are audited, and a routing preview says where open
// exceptions would go.
import { describe, expect, it } from 'vitest'
import { plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('settings', () => {
  const server = useServer({ firm: true, detect: true })

  it('a body that is not JSON is a 400 naming it, on every route that reads one', async () => {
    for (const [method, path] of [['PUT', '/api/v1/settings'], ['POST', '/api/v1/settings/routing/preview'], ['POST', '/api/v1/users'], ['POST', '/api/v1/dead-letters/replay'], ['POST', '/api/v1/exceptions/actions']]) {
      const r = await api(server.url, path, { method, headers: { 'content-type': 'application/json' }, body: '{"routing": [' })
      expect([path, r.status, r.body.error]).toEqual([path, 400, { code: 'bad_json', message: 'The request body must be a JSON object.' }])
    }
  })

  it('shows the effective settings with each rule default', async () => {
    const r = await api(server.url, '/api/v1/settings')
    expect(r.status).toBe(200)
    expect(r.body.routing).toEqual([])
    expect(r.body.defaults.time_entry_hours_mismatch).toMatchObject({ severity: 'medium', owner: 'finance-ops', finance: true, params: { tolerance_hours: 0.01 } })
  })

  it('previews which open exceptions each route would take', async () => {
    const routing = [
      { match: { rule: 'time_entry_hours_mismatch', practice: 'Technology' }, owner: 'tech-finance' },
      { match: { rule: 'time_entry_hours_mismatch' }, owner: 'finance-leads' },
    ]
    const r = await api(server.url, '/api/v1/settings/routing/preview', json('POST', { routing }))
    expect(r.status).toBe(200)
    const mismatches = (await api(server.url, '/api/v1/exceptions?rule=time_entry_hours_mismatch&limit=100')).body.items
    const tech = mismatches.filter((e: { practice: string }) => e.practice === 'Technology').length
    expect(r.body.routes.map((x: { count: number }) => x.count)).toEqual([tech, mismatches.length - tech])
    expect(r.body.owner_changes).toBe(mismatches.length)
    expect(r.body.unrouted).toBe(r.body.open - mismatches.length)

    // With the draft's rules: a drafted owner is where unrouted exceptions go, and a drafted
    // severity is what routes match on.
    const drafted = await api(server.url, '/api/v1/settings/routing/preview', json('POST', {
      routing: [{ match: { severity: 'critical' }, owner: 'on-call' }],
      rules: { time_entry_hours_mismatch: { severity: 'critical', tolerance_hours: 0.5 } },
    }))
    expect(drafted.status).toBe(200)
    const critical = (await api(server.url, '/api/v1/exceptions?severity=critical&limit=1000')).body.items.length
    expect(drafted.body.routes[0].count).toBe(critical + mismatches.length)
    const owned = await api(server.url, '/api/v1/settings/routing/preview', json('POST', { routing: [], rules: { time_entry_hours_mismatch: { owner: 'drafted-owner' } } }))
    expect(owned.body.owner_changes).toBe(mismatches.length)
    const bad = await api(server.url, '/api/v1/settings/routing/preview', json('POST', { routing: [], rules: { time_entry_hours_mismatch: { severity: 'urgent' } } }))
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.field).toBe('rules.time_entry_hours_mismatch.severity')
  })

  it('applies saved routing and thresholds at the next run, audits them, and keeps them over a restart', async () => {
    const bad = await api(server.url, '/api/v1/settings', json('PUT', { routing: [{ match: { rule: 'nope' }, owner: 'x' }] }))
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('routing[0].match.rule')

    const put = await api(server.url, '/api/v1/settings', json('PUT', {
      routing: [{ match: { rule: 'time_entry_hours_mismatch' }, owner: 'finance-leads' }],
      rules: { time_entry_hours_mismatch: { tolerance_hours: 5 } },
    }))
    expect(put.status).toBe(200)
    const run = (await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })).body
    expect(run.rules.time_entry_hours_mismatch.count).toBe(0) // no entry differs by more than 5 h
    await api(server.url, '/api/v1/settings', json('PUT', { rules: {} }))
    await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    const owners = (await api(server.url, '/api/v1/exceptions?rule=time_entry_hours_mismatch&limit=100')).body.items.map((e: { owner: string }) => e.owner)
    expect(new Set(owners)).toEqual(new Set(['finance-leads']))

    const audit = await api(server.url, '/api/v1/audit?action=config_change')
    expect(audit.body.items.length).toBe(2)

    await server.restart()
    expect((await api(server.url, '/api/v1/settings')).body.routing).toEqual([{ match: { rule: 'time_entry_hours_mismatch' }, owner: 'finance-leads' }])
  })

  it('refuses a save over a newer one (If-Match with the version loaded); of two racing saves exactly one lands', async () => {
    const put = (body: unknown, version?: string) =>
      api(server.url, '/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(version === undefined ? {} : { 'if-match': `"${version}"` }) },
        body: JSON.stringify(body),
      })
    // Saved before the restart above, and loaded back with its version.
    const loaded = await api(server.url, '/api/v1/settings')
    expect(loaded.body.version).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    expect(loaded.headers.get('etag')).toBe(`"${loaded.body.version}"`)

    const first = await put({ sla_hours: { high: 12 } }, loaded.body.version)
    expect(first.status).toBe(200)
    expect(first.body.version > loaded.body.version).toBe(true)
    expect(first.headers.get('etag')).toBe(`"${first.body.version}"`)
    expect(first.body.saved_by).toBeTruthy()

    // Someone who loaded the page before that save: refused, told by whom and when, nothing changes.
    const stale = await put({ sla_hours: { high: 48 } }, loaded.body.version)
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('settings_changed')
    expect(stale.body.error.message).toContain(first.body.saved_by)
    expect(stale.body.error.message).toContain(first.body.version)
    expect(stale.body.error.details).toEqual({ version: first.body.version, actor: first.body.saved_by })
    expect((await api(server.url, '/api/v1/settings')).body).toMatchObject({ version: first.body.version, sla_hours: { high: 12 } })

    // Two saves from the same version at once: one lands, the other is refused, not lost silently.
    const race = await Promise.all([put({ sla_hours: { high: 6 } }, first.body.version), put({ sla_hours: { high: 7 } }, first.body.version)])
    expect(race.map((r) => r.status).sort()).toEqual([200, 409])
    const won = race.find((r) => r.status === 200)!
    expect((await api(server.url, '/api/v1/settings')).body).toMatchObject({ version: won.body.version, sla_hours: won.body.sla_hours })

    // Without If-Match (a script), a save applies over whatever is in force.
    const blind = await put({ sla_hours: {} })
    expect(blind.status).toBe(200)
    expect(blind.body.sla_hours).toEqual({})
  })
})

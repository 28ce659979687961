// Defect 19a: the audit log was best-effort (a failed write was only logged, the action
// answered as done). Now an action whose record cannot be written answers 503. The fault: the
// audit table detached from under the running server. #18 follow-up: the 503 came after the
// change was made; changes are now audited first, so a 503 means nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, startServer } from './helpers/server.ts'
import { ingestFirm, plan } from './helpers/firm.ts'

const json = (body: unknown, method = 'POST') => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

describe('an action that cannot be audited fails', () => {
  let s: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    s = await startServer()
  })
  afterAll(() => s?.close())

  it('answers 503 with Retry-After while the audit log cannot be written, and audits again once it can', async () => {
    expect((await api(s.url, '/api/v1/users', json({ name: 'A', email: 'a@firm.example', role: 'ops' }))).status).toBe(201)
    await s.db.client.command({ query: 'DETACH TABLE audit_log' })
    try {
      const user = await api(s.url, '/api/v1/users', json({ name: 'B', email: 'b@firm.example', role: 'ops' }))
      expect(user.status).toBe(503)
      expect(user.body.error.code).toBe('audit_unavailable')
      expect(user.body.error.message).toMatch(/audit log could not record this user create/)
      expect(user.headers.get('retry-after')).toBe('5')
      const token = await api(s.url, '/api/v1/tokens', json({ kind: 'collector', system: 'netsuite' }))
      expect(token.status).toBe(503)
      expect(JSON.stringify(token.body)).not.toMatch(/cwc_/) // the secret of an unaudited token is never shown
      const settings = await api(s.url, '/api/v1/settings', json({ sla_hours: { critical: 3 } }, 'PUT'))
      expect(settings.status).toBe(503)
      const exported = await api(s.url, '/api/v1/exports/exceptions.csv')
      expect(exported.status).toBe(503)
    } finally {
      await s.db.client.command({ query: 'ATTACH TABLE audit_log' })
    }
    // Nothing the 503s answered was done.
    const users = (await api(s.url, '/api/v1/users')).body.items.map((u: { email: string }) => u.email)
    expect(users).toContain('a@firm.example')
    expect(users).not.toContain('b@firm.example')
    expect((await api(s.url, '/api/v1/tokens')).body.items.filter((t: { kind: string }) => t.kind === 'collector')).toHaveLength(0)
    expect((await api(s.url, '/api/v1/settings')).body.sla_hours.critical).not.toBe(3)
    expect((await api(s.url, '/api/v1/users', json({ name: 'C', email: 'c@firm.example', role: 'ops' }))).status).toBe(201)
    const actions = (await api(s.url, '/api/v1/audit?limit=100')).body.items.map((e: any) => `${e.action} ${e.target}`)
    expect(actions).toContain('user_create a@firm.example')
    expect(actions).toContain('user_create c@firm.example')
  })

  it('records a change that fails after being recorded as failed, naming the error', async () => {
    const conflict = await api(s.url, '/api/v1/settings', { ...json({ sla_hours: { high: 9 } }, 'PUT'), headers: { 'content-type': 'application/json', 'if-match': '"stale-revision"' } })
    expect(conflict.status).toBe(409)
    const items = (await api(s.url, '/api/v1/audit?limit=100')).body.items.filter((e: any) => e.action === 'config_change' && e.details?.sla_hours?.high === 9)
    expect(items.map((e: any) => e.outcome).sort()).toEqual(['failed', 'ok'])
    expect(items.find((e: any) => e.outcome === 'failed').details.error).toBe('settings_changed')
  })

  it('a triage action the audit log cannot record changes nothing; its resend after recovery applies once', async () => {
    await ingestFirm(s.url)
    expect((await api(s.url, `/api/v1/detect?as_of=${encodeURIComponent(plan.as_of)}`, { method: 'POST' })).status).toBe(200)
    const [e] = (await api(s.url, '/api/v1/exceptions?limit=1')).body.items
    const comment = { ...json({ action: 'comment', note: 'checked with the ERP team' }), headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' } }
    const history = async () => (await api(s.url, `/api/v1/exceptions/${e.id}`)).body.history.filter((h: any) => h.note === 'checked with the ERP team')
    await s.db.client.command({ query: 'DETACH TABLE audit_log' })
    try {
      expect((await api(s.url, `/api/v1/exceptions/${e.id}/actions`, comment)).status).toBe(503)
    } finally {
      await s.db.client.command({ query: 'ATTACH TABLE audit_log' })
    }
    expect(await history()).toHaveLength(0)
    expect((await api(s.url, `/api/v1/exceptions/${e.id}/actions`, comment)).status).toBe(200)
    expect((await api(s.url, `/api/v1/exceptions/${e.id}/actions`, comment)).status).toBe(200)
    expect(await history()).toHaveLength(1)
    const audited = (await api(s.url, '/api/v1/audit?limit=100')).body.items.filter((a: any) => a.action === 'exception_comment' && a.target === e.id)
    expect(audited).toHaveLength(1)
  })
})

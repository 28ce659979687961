// Defect 19a: the audit log was best-effort (a failed write was only logged, the action
// answered as done). Now an action whose record cannot be written answers 503. The fault: the
// audit table detached from under the running server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, startServer } from './helpers/server.ts'

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
    expect((await api(s.url, '/api/v1/users', json({ name: 'C', email: 'c@firm.example', role: 'ops' }))).status).toBe(201)
    const actions = (await api(s.url, '/api/v1/audit?limit=100')).body.items.map((e: any) => `${e.action} ${e.target}`)
    expect(actions).toContain('user_create a@firm.example')
    expect(actions).toContain('user_create c@firm.example')
  })
})

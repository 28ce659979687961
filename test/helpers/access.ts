// Users, tokens and sessions through the admin API, for the access tests.
import { expect } from 'vitest'
import { api } from './server.ts'

export const json = (body: unknown, method = 'POST', headers: Record<string, string> = {}) => ({
  method,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
})


export async function createUser(base: string, role: string, email = `${role}@firm.example`) {
  const password = `pw-${role}-${Math.random().toString(36).slice(2)}-long`
  const r = await api(base, '/api/v1/users', json({ name: `The ${role}`, email, role, password }))
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return { id: r.body.id as string, email, password }
}

export interface Session {
  /** The cookie's value. */
  secret: string
  /** `cw_session=…`, for a Cookie header. */
  cookie: string
  csrf: string
  setCookie: string
}

export async function signIn(base: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Session> {
  const r = await api(base, '/api/v1/auth/login', { ...json({ email, password }, 'POST', headers), token: null })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  const setCookie = r.headers.get('set-cookie') ?? ''
  const secret = /cw_session=([^;]+)/.exec(setCookie)![1]
  return { secret, cookie: `cw_session=${secret}`, csrf: r.body.csrf_token as string, setCookie }
}

export async function newToken(base: string, body: object): Promise<{ id: string; token: string }> {
  const r = await api(base, '/api/v1/tokens', json(body))
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return { id: r.body.id, token: r.body.token }
}

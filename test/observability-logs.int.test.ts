// The server's logs: one JSON object a line, each line of a request carrying the request's id,
// which its answer returns as X-Request-Id (a sane incoming one is kept). No line holds a secret,
// a token, a password or a row's contents, not even when storage fails mid-insert with an error
// that quotes the row (defect 19c's sibling).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { sha256Hex } from '../server/auth/tokens.ts'
import { createLogger, redactMessage, safeError } from '../server/observability/log.ts'
import { StartupError } from '../server/lib/errors.ts'
import { batchFile } from './helpers/firm.ts'
import { ADMIN, api, ingest, tempDir } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { createUser, newToken, signIn } from './helpers/access.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const WORKDAY_TOKEN = 'config-collector-token-of-workday-logs'
/** A row whose contents must never reach a log. */
const MARKER = 'ROW-CONTENT-MARKER-7f3a9'

interface Line {
  level: string
  time: string
  msg: string
  req_id?: string
  [k: string]: unknown
}

describe('structured logs', () => {
  const raw: string[] = []
  const lines = () => raw.map((l) => JSON.parse(l) as Line)
  const ofRequest = (id: string) => lines().filter((l) => l.req_id === id)
  const server = useServer({
    // A new dir, not the migrated template: the migrations' lines are among those checked.
    dataDir: tempDir(),
    log: (l) => void raw.push(l),
    config: parseConfig({ sources: DEMO_SOURCES.map((s) => (s.system === 'workday' ? { ...s, token_sha256: sha256Hex(WORKDAY_TOKEN) } : s)) }),
  })
  afterEach(() => vi.restoreAllMocks())

  it('writes one JSON object a line, with level, time and message', async () => {
    expect((await api(server.url, '/api/v1/auth/me')).status).toBe(200)
    expect(raw.length).toBeGreaterThan(3) // migrations at start, then the request
    for (const l of lines()) {
      expect(l.level).toMatch(/^(trace|debug|info|warn|error|fatal)$/)
      expect(Date.parse(l.time)).not.toBeNaN()
      expect(typeof l.msg).toBe('string')
    }
    expect(lines().some((l) => /applied migration/.test(l.msg))).toBe(true)
  })

  it('keeps a sane incoming X-Request-Id, returns it, and puts it on every line of the request', async () => {
    const r = await api(server.url, '/api/v1/auth/me', { headers: { 'x-request-id': 'lb-7:abc_DEF.42' } })
    expect(r.headers.get('x-request-id')).toBe('lb-7:abc_DEF.42')
    expect(ofRequest('lb-7:abc_DEF.42')).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', method: 'GET', route: '/api/v1/auth/me', status: 200, actor: 'admin' }),
    ])
  })

  it('replaces an unsafe or overlong X-Request-Id with its own, and makes one when none is sent', async () => {
    const seen = new Set<string>()
    for (const sent of ['has spaces', 'x'.repeat(129), '<script>', 'a"b', '', undefined]) {
      const r = await api(server.url, '/api/v1/no-such-route', { headers: sent === undefined ? {} : { 'x-request-id': sent } })
      expect(r.status).toBe(404)
      const id = r.headers.get('x-request-id')!
      expect(id).toMatch(UUID)
      expect(ofRequest(id)).toHaveLength(1)
      seen.add(id)
      if (sent) expect(raw.join('\n')).not.toContain(sent)
    }
    expect(seen.size).toBe(6)
    // Errors answered by the error handler carry it too.
    const bad = await api(server.url, '/api/v1/exceptions?limit=oops', { headers: { 'x-request-id': 'bad-limit-1' } })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('x-request-id')).toBe('bad-limit-1')
  })

  it('logs a failed insert with the request id and no row contents, on no other channel', async () => {
    const consoled: string[] = []
    for (const m of ['log', 'error', 'warn', 'info'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoled.push(a.map(String).join(' ')))
    // The engine rejects the chunk quoting the row, as a ClickHouse server does for bad input.
    const row = JSON.parse(batchFile('005-kantata-resource.ndjson').split('\n')[0])
    const line = JSON.stringify({ ...row, key: 'R-LOG-1', name: MARKER })
    const fail = () =>
      Promise.reject(Object.assign(new Error(`Cannot parse input: expected '\\t' before: 'R-LOG-1\\t${MARKER}\\tPerson': (at row 1)\nRow 1:\nColumn 1, name: name, type: String, parsed text: "${MARKER}"`), { code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' }))
    const client = server.db.client as unknown as Record<'command' | 'insert', (...a: unknown[]) => Promise<unknown>>
    const { command, insert } = client
    client.command = (p: unknown) => (/INSERT INTO/.test(String((p as { query: string }).query)) ? fail() : command.call(server.db.client, p))
    client.insert = () => fail()
    let r
    try {
      r = await ingest(server.url, 'kantata', 'resource', `${line}\n`, 'batch=log-fail', { headers: { 'x-request-id': 'ingest-fail-1' } })
    } finally {
      Object.assign(client, { command, insert })
    }
    expect(r.status).toBe(503)
    expect(r.headers.get('x-request-id')).toBe('ingest-fail-1')
    const logged = ofRequest('ingest-fail-1')
    expect(logged.map((l) => l.msg)).toEqual(['ingest failed in storage', 'request'])
    expect(logged[0]).toMatchObject({ level: 'error', err: { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', code: '27' } })
    expect(String((logged[0].err as { message: string }).message)).toMatch(/^Cannot parse input: expected .* before: …$/)
    expect(raw.join('\n')).not.toContain(MARKER)
    expect(raw.join('\n')).not.toContain('R-LOG-1')
    expect(consoled.join('\n')).not.toContain(MARKER)
  })

  it('never logs tokens, passwords, session secrets or rows', async () => {
    const user = await createUser(server.url, 'admin', 'logs-admin@firm.example')
    const session = await signIn(server.url, user.email, user.password)
    expect((await api(server.url, '/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: user.email, password: `${user.password}-wrong` }), headers: { 'content-type': 'application/json' }, token: null })).status).toBe(401)
    const personal = await newToken(server.url, { kind: 'personal', user_id: user.id })
    const collector = await newToken(server.url, { kind: 'collector', system: 'kantata' })
    const row = JSON.parse(batchFile('005-kantata-resource.ndjson').split('\n')[0])
    const ok = await ingest(server.url, 'kantata', 'resource', `${JSON.stringify({ ...row, key: 'R-LOG-2', name: MARKER })}\n{"key": "R-LOG-3", "name": "${MARKER}", "hire_date": "not a date"}\n`, '', { token: collector.token })
    expect(ok.body).toMatchObject({ accepted: 1, rejected: 1 })
    expect((await ingest(server.url, 'workday', 'resource', '', '', { token: WORKDAY_TOKEN })).status).toBe(200)
    expect((await api(server.url, '/api/v1/auth/me', { headers: { cookie: session.cookie }, token: null })).status).toBe(200)
    expect((await api(server.url, '/api/v1/auth/me', { token: personal.token })).status).toBe(200)
    const all = raw.join('\n')
    for (const secret of [ADMIN, user.password, personal.token, collector.token, WORKDAY_TOKEN, session.secret, session.csrf, MARKER, 'R-LOG-2'])
      expect(all, secret).not.toContain(secret)
    // The requests were logged, by whom (ids, not credentials).
    expect(lines().filter((l) => l.msg === 'request' && l.route === '/api/v1/ingest/:system/:entity' && l.actor === collector.id)).toHaveLength(1)
  })
})

describe('the logger', () => {
  it('writes at LOG_LEVEL and refuses a level it does not know', () => {
    const out: string[] = []
    const log = createLogger({ level: 'warn', write: (l) => void out.push(l) })
    log.info('not written')
    log.warn({ token: 'tok-secret', nested: { password: 'pw-secret' } }, 'written')
    expect(out).toHaveLength(1)
    expect(JSON.parse(out[0])).toMatchObject({ level: 'warn', msg: 'written', token: '***', nested: { password: '***' } })
    expect(() => createLogger({ level: 'verbose' })).toThrow(StartupError)
    expect(() => createLogger({ level: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'verbose'/)
  })

  it('logs an error by kind, code and a redacted first line, without what it quotes', () => {
    const e = Object.assign(new Error(`Cannot parse DateTime: value: 9999-12-31T23:59:59-23:59 ${MARKER}\nRow 1: ${MARKER}`), { code: '41' })
    e.cause = new Error(`Code: 41. Cannot parse 'R-9 ${MARKER}'`)
    const s = safeError(e)
    expect(s).toMatchObject({ type: 'Error', code: '41', message: 'Cannot parse DateTime: value: …', cause: { type: 'Error', message: "Code: 41. Cannot parse '…'" } })
    expect(String(s.stack)).toMatch(/^at /)
    expect(JSON.stringify(s)).not.toContain(MARKER)
    expect(redactMessage('loading spans from /data/span-log/1-a-00000001.tsv failed (kept, retrying): DECIMAL_OVERFLOW')).toBe(
      'loading spans from /data/span-log/1-a-00000001.tsv failed (kept, retrying): DECIMAL_OVERFLOW',
    )
  })
})

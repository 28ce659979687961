// The collector client's retries (ingest/collectors/client.ts) against a local HTTP server that
// answers from a script: what is retried, how long it waits (recorded, never slept), what is not.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IngestError, sendBatch } from '../ingest/collectors/client.ts'

type Answer = { status: number; headers?: Record<string, string>; body?: object }
let script: Answer[] = []
let requests = 0
let server: http.Server
let url: string

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests++
      const a = script.shift() ?? { status: 500 }
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers })
      res.end(JSON.stringify(a.body ?? { error: { code: 'x', message: `answer ${a.status}` } }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const OK = { status: 200, body: { batch: 'b', accepted: 1, rejected: 0, duplicate: false, errors: [] } }

async function send(answers: Answer[], retries = 6) {
  script = [...answers]
  requests = 0
  const waits: number[] = []
  const retried: string[] = []
  const run = sendBatch({
    server: url, token: 't', system: 'kantata', entity: 'time_entry', batch: 'b', body: '{}\n', retries,
    sleep: async (ms) => void waits.push(ms),
    onRetry: (n, why) => retried.push(`${n}: ${why}`),
  })
  return { run, waits, retried }
}

describe('sendBatch retries', () => {
  it('retries 5xx, 408 and 429 with doubling backoff, honouring Retry-After', async () => {
    const s = await send([{ status: 503 }, { status: 429, headers: { 'retry-after': '7' } }, { status: 408 }, { status: 502 }, OK])
    expect(await s.run).toMatchObject({ accepted: 1 })
    expect(requests).toBe(5)
    expect(s.waits).toEqual([250, 7000, 1000, 2000])
    expect(s.retried).toEqual(['1: answer 503', '2: answer 429', '3: answer 408', '4: answer 502'])
  })

  it('does not retry another 4xx: the error carries its status and message', async () => {
    const s = await send([{ status: 400 }, OK])
    const e = await s.run.catch((x) => x)
    expect(e).toBeInstanceOf(IngestError)
    expect([e.status, e.message, requests, s.waits]).toEqual([400, 'answer 400', 1, []])
  })

  it('gives up after `retries` retries with the last reason, the backoff capped at 10 s', async () => {
    const s = await send(Array.from({ length: 9 }, () => ({ status: 500 })), 7)
    const e = await s.run.catch((x) => x)
    expect(e).toBeInstanceOf(IngestError)
    expect(e.message).toBe('answer 500')
    expect(requests).toBe(8)
    expect(s.waits).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000])
  })

  it('retries a server it cannot reach, and says so', async () => {
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const waits: number[] = []
    const e = await sendBatch({ server: `http://127.0.0.1:${port}`, token: 't', system: 'k', entity: 'e', batch: 'b', body: '', retries: 2, sleep: async (ms) => void waits.push(ms) }).catch((x) => x)
    expect(e).toBeInstanceOf(IngestError)
    expect(e.message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+: /)
    expect(waits).toEqual([250, 500])
  })
})

// The detection lease (server/db/lease.ts): one run at a time across servers sharing an
// engine. Two lease holders on one engine stand for two Crosswalk servers (the engine is told to
// be a shared one, so a holder other than itself is not presumed dead). Time is a test clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { migrate } from '../server/db/migrate.ts'
import { queryRows } from '../server/db/query.ts'
import { DetectionLease, LeaseLost } from '../server/db/lease.ts'
import { detect } from '../server/exceptions/detect.ts'
import { defaultConfig } from '../server/config/load.ts'
import type { Clock } from '../server/lib/clock.ts'
import { tempDir } from './helpers/server.ts'

/** A clock whose sleeps wait for the test: `tick()` moves time by the sleep and lets it end. */
class SteppedClock implements Clock {
  private ms = Date.parse('2026-06-01T00:00:00Z')
  private waiting: Array<{ ms: number; done: () => void }> = []
  now = () => new Date(this.ms)
  advance(ms: number) {
    this.ms += ms
  }
  sleep(ms: number) {
    return new Promise<void>((done) => this.waiting.push({ ms, done }))
  }
  get sleepers() {
    return this.waiting.length
  }
  tick() {
    const w = this.waiting.shift()
    if (w) {
      this.ms += w.ms
      w.done()
    }
  }
}

let engine: Db
let shared: Db
beforeAll(async () => {
  engine = await openDb({ dataDir: tempDir() })
  await migrate(engine)
  shared = { ...engine, engine: 'clickhouse' }
})
afterAll(() => engine?.close())

const turn = () => new Promise((r) => setImmediate(r))
async function untilSleeping(clock: SteppedClock, n = 1) {
  for (let i = 0; i < 10_000 && clock.sleepers < n; i++) await turn()
  expect(clock.sleepers).toBeGreaterThanOrEqual(n)
}

describe('the detection lease', () => {
  it('makes a second server wait until the first releases, then lets it in', async () => {
    const clock = new SteppedClock()
    const a = new DetectionLease(shared, { clock, ttlMs: 60_000, pollMs: 1_000 })
    const b = new DetectionLease(shared, { clock, ttlMs: 60_000, pollMs: 1_000 })
    expect(await a.acquire('run-a')).toBeNull()
    let bIn = false
    const waiting = b.acquire('run-b').then((orphan) => ((bIn = true), orphan))
    await untilSleeping(clock)
    clock.tick()
    await untilSleeping(clock)
    expect(bIn).toBe(false)
    await a.release()
    clock.tick()
    expect(await waiting).toBeNull()
    expect(bIn).toBe(true)
    await b.release()
  })

  it('lets another server take over a lease its holder stopped renewing, and the old holder then stops writing', async () => {
    const clock = new SteppedClock()
    const a = new DetectionLease(shared, { clock, ttlMs: 60_000, pollMs: 1_000 })
    const b = new DetectionLease(shared, { clock, ttlMs: 60_000, pollMs: 1_000 })
    await a.acquire('run-crashed')
    const taking = b.acquire('run-b')
    await untilSleeping(clock)
    clock.advance(60_000)
    clock.tick()
    // B is handed the run id of the holder that stopped, so the run it left half-done is undone.
    expect(await taking).toBe('run-crashed')
    await expect(a.check()).rejects.toBeInstanceOf(LeaseLost)
    await b.check()
    await b.release()
  })

  it('undoes a run a crashed server left half-written before the next run', async () => {
    // A run that wrote an opened event and stopped: its lease row still names it.
    await engine.client.insert({
      table: 'exception_events',
      values: [{ event_id: crypto.randomUUID(), exception_id: 'ghost', at: '2026-06-01 00:00:00.000000', type: 'opened', actor: 'crosswalk', note: '', owner: '', run_id: 'run-half' }],
      format: 'JSONEachRow',
    })
    const clock = new SteppedClock()
    const crashed = new DetectionLease(shared, { clock })
    await crashed.acquire('run-half')
    const run = detect(engine, defaultConfig(), new Date('2026-06-01T00:00:00Z'), 'test')
    expect((await run).detected).toBeGreaterThanOrEqual(0)
    const left = await queryRows<{ n: string }>(engine, 'test', "SELECT count() AS n FROM exception_events WHERE run_id = 'run-half'")
    expect(Number(left[0].n)).toBe(0)
  })
})

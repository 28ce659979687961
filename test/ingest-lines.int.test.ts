// Line-level ingest (CONTRACT §3): bad lines beside good ones, the dead-letter store and
// replay, idempotent batch ids.
import { beforeAll, describe, expect, it } from 'vitest'
import { api, ingest, ndjson } from './helpers/server.ts'
import { deadLetters, ok, records, replayMany, replayOne, sql, te, useLinesServer } from './helpers/ingest-lines.ts'

const ctx = useLinesServer()

describe('a malformed line among good ones', () => {
  const OBSERVED = '2026-03-10T12:00:00.000Z'
  const lines = [
    /* 1 */ JSON.stringify(te('TE-L-01')),
    /* 2 */ JSON.stringify(te('TE-L-02')),
    /* 3 */ '{"key":"TE-L-03","resource_key":"E-1","hours":',
    /* 4 */ JSON.stringify(te('TE-L-04')),
    /* 5 */ JSON.stringify(te('TE-L-05', { hours: 30 })),
    /* 6 */ JSON.stringify(te('TE-L-06', { billable: 'yes' })),
    /* 7 */ JSON.stringify(te('TE-L-07', { status: 'done' })),
    /* 8 */ JSON.stringify(te('TE-L-08', { work_date: '2026-02-30' })),
    /* 9 */ JSON.stringify(te('TE-L-09', { bill_rate: '1.123456789' })),
    /* 10 */ JSON.stringify(te('TE-L-10')),
    /* 11 */ '',
    /* 12 */ '[1, 2]',
    /* 13 */ JSON.stringify(te('TE-L-13', { resource_key: undefined, approved_at: 'tuesday' })),
    /* 14 */ JSON.stringify(te('TE-L-14')) + '\r',
  ]
  let result: any
  let letters: Array<Record<string, any>>
  const byKey = (key: string) => letters.find((d) => d.key === key)!

  beforeAll(async () => {
    result = await ok('kantata', 'time_entry', lines.join('\n') + '\n', `batch=mixed-1&observed_at=${OBSERVED}`)
    letters = await deadLetters('batch=mixed-1')
  })

  it('accepts the good lines and rejects the bad ones, with line numbers and field paths', () => {
    expect(result).toMatchObject({ batch: 'mixed-1', accepted: 5, rejected: 8, duplicate: false })
    const errs = result.errors as Array<{ line: number; field: string; message: string }>
    const at = (line: number) => errs.filter((e) => e.line === line)
    expect(at(1)).toEqual([])
    expect(at(3)).toEqual([{ line: 3, field: '', message: expect.stringMatching(/malformed JSON/) }])
    expect(at(5)).toEqual([{ line: 5, field: 'hours', message: expect.stringMatching(/at most 24/) }])
    expect(at(6)).toEqual([{ line: 6, field: 'billable', message: expect.stringMatching(/true or false/) }])
    expect(at(7)).toEqual([{ line: 7, field: 'status', message: expect.stringMatching(/draft, submitted, approved, rejected/) }])
    expect(at(8)).toEqual([{ line: 8, field: 'work_date', message: expect.stringMatching(/YYYY-MM-DD/) }])
    expect(at(9)).toEqual([{ line: 9, field: 'bill_rate', message: expect.stringMatching(/more than 8 decimal places/) }])
    // Blank line 11 is skipped but still counted.
    expect(at(12)).toEqual([{ line: 12, field: '', message: expect.stringMatching(/object/) }])
    // Every problem of a line is reported, not just the first.
    expect(at(13)).toEqual(
      expect.arrayContaining([
        { line: 13, field: 'resource_key', message: 'is required' },
        { line: 13, field: 'approved_at', message: expect.stringMatching(/ISO-8601/) },
      ]),
    )
    expect(at(13)).toHaveLength(2)
  })

  it('makes exactly the good lines visible', async () => {
    expect(await records('kantata', 'time_entry')).toBe(5)
    const keys = await sql<{ key: string }>(`SELECT key FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE startsWith(key, 'TE-L-') ORDER BY key`)
    expect(keys.map((k) => k.key)).toEqual(['TE-L-01', 'TE-L-02', 'TE-L-04', 'TE-L-10', 'TE-L-14'])
  })

  it('lists each bad line in the dead-letter store with its raw text, line, reason, system, entity and batch', () => {
    expect(letters).toHaveLength(8)
    expect(letters.map((d) => d.line).sort((a, b) => a - b)).toEqual([3, 5, 6, 7, 8, 9, 12, 13])
    for (const d of letters) {
      expect(d).toMatchObject({ system: 'kantata', entity: 'time_entry', batch: 'mixed-1', status: 'pending', observed_at: OBSERVED })
      expect(d.raw).toBe(lines[d.line - 1])
      expect(d.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(typeof d.reason).toBe('string')
    }
    expect(byKey('TE-L-05').reason).toMatch(/hours/)
    expect(byKey('TE-L-05').errors).toEqual([{ field: 'hours', message: expect.stringMatching(/at most 24/) }])
    expect(byKey('TE-L-06').reason).toMatch(/billable/)
    expect(byKey('TE-L-07').reason).toMatch(/status/)
    expect(byKey('TE-L-08').reason).toMatch(/work_date/)
    expect(byKey('TE-L-09').reason).toMatch(/bill_rate/)
    const malformed = letters.find((d) => d.line === 3)!
    expect(malformed.key).toBeNull()
    expect(malformed.reason).toMatch(/malformed JSON/)
  })

  it('filters the list by system, entity and status, and gives one by id', async () => {
    expect(await deadLetters('system=netsuite&batch=mixed-1')).toEqual([])
    expect(await deadLetters('entity=expense&batch=mixed-1')).toEqual([])
    expect(await deadLetters('system=kantata&entity=time_entry&batch=mixed-1')).toHaveLength(8)
    const one = await api(ctx.url(), `/api/v1/dead-letters/${byKey('TE-L-06').id}`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({ id: byKey('TE-L-06').id, line: 6, raw: lines[5] })
    const missing = await api(ctx.url(), '/api/v1/dead-letters/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    const bad = await api(ctx.url(), '/api/v1/dead-letters/not-a-uuid')
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toMatch(/id/)
  })

  it('pages the list with a cursor', async () => {
    const first = await api(ctx.url(), '/api/v1/dead-letters?batch=mixed-1&limit=3&status=all')
    expect(first.body.items).toHaveLength(3)
    expect(first.body.next_cursor).toEqual(expect.any(String))
    const seen = [...first.body.items]
    let cursor = first.body.next_cursor
    while (cursor) {
      const page = await api(ctx.url(), `/api/v1/dead-letters?batch=mixed-1&limit=3&status=all&cursor=${cursor}`)
      expect(page.status).toBe(200)
      seen.push(...page.body.items)
      cursor = page.body.next_cursor
    }
    expect(new Set(seen.map((d) => d.id)).size).toBe(8)
  })

  it('replays a fixed line: ok, the record becomes visible as observed at its batch time', async () => {
    const d = byKey('TE-L-05')
    const fixed = JSON.stringify(te('TE-L-05', { hours: '8' }))
    const r = await replayOne(d.id, { raw: fixed })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ id: d.id, ok: true })
    expect(await records('kantata', 'time_entry')).toBe(6)
    const [row] = await sql<{ hours: string; observed_at: string }>(
      `SELECT toString(hours) AS hours, toString(observed_at) AS observed_at FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-L-05'`,
    )
    expect(row).toEqual({ hours: '8', observed_at: '2026-03-10 12:00:00.000' })
    const after = await api(ctx.url(), `/api/v1/dead-letters/${d.id}`)
    expect(after.body.status).toBe('replayed')
    expect(after.body.last_replay_at).toEqual(expect.any(String))
  })

  it('replays an unfixed line: still fails with the reason, stays pending, nothing lands', async () => {
    const d = byKey('TE-L-06')
    const r = await replayOne(d.id)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ id: d.id, ok: false, errors: [{ field: 'billable', message: expect.stringMatching(/true or false/) }] })
    const after = await api(ctx.url(), `/api/v1/dead-letters/${d.id}`)
    expect(after.body.status).toBe('pending')
    expect(after.body.last_replay_error).toMatch(/billable/)
    // A "fix" that is still wrong fails too, naming the new problem.
    const wrongFix = await replayOne(d.id, { raw: JSON.stringify(te('TE-L-06', { billable: true, hours: 0 })) })
    expect(wrongFix.body).toMatchObject({ ok: false, errors: [{ field: 'hours' }] })
    expect(await records('kantata', 'time_entry')).toBe(6)
  })

  it('replays in bulk by ids and with fixed items', async () => {
    // Unfixed ids fail again, and say why.
    const ids = [byKey('TE-L-07').id, byKey('TE-L-08').id]
    const unfixed = await replayMany({ ids })
    expect(unfixed.status, JSON.stringify(unfixed.body)).toBe(200)
    expect(unfixed.body).toMatchObject({ replayed: 0, failed: 2 })
    expect(unfixed.body.results.map((x: any) => x.errors[0].field).sort()).toEqual(['status', 'work_date'])

    const mixed = await replayMany({
      ids: [byKey('TE-L-09').id],
      items: [
        { id: byKey('TE-L-07').id, raw: JSON.stringify(te('TE-L-07', { status: 'submitted' })) },
        { id: byKey('TE-L-08').id, raw: JSON.stringify(te('TE-L-08', { work_date: '2026-02-28' })) },
      ],
    })
    expect(mixed.status).toBe(200)
    expect(mixed.body).toMatchObject({ replayed: 2, failed: 1 })
    const byId = new Map(mixed.body.results.map((x: any) => [x.id, x]))
    expect(byId.get(byKey('TE-L-09').id)).toMatchObject({ ok: false, errors: [{ field: 'bill_rate' }] })
    expect(await records('kantata', 'time_entry')).toBe(8)

    const none = await replayMany({})
    expect(none.status).toBe(400)
    const unknown = await replayMany({ ids: ['00000000-0000-4000-8000-000000000000'] })
    expect(unknown.body).toMatchObject({ replayed: 0, failed: 1 })
  })

  it('lists replayed letters apart from pending ones', async () => {
    const replayed = await deadLetters('batch=mixed-1&status=replayed')
    expect(replayed.map((d) => d.key).sort()).toEqual(['TE-L-05', 'TE-L-07', 'TE-L-08'])
    for (const d of replayed) expect(d.status).toBe('replayed')
    const pending = await deadLetters('batch=mixed-1')
    expect(pending).toHaveLength(5)
    for (const d of pending) expect(d.status).toBe('pending')
    expect(await deadLetters('batch=mixed-1&status=all')).toHaveLength(8)
  })

  it('a replayed old line never overrides a version observed after it', async () => {
    const d = byKey('TE-L-13')
    await ok('kantata', 'time_entry', ndjson([te('TE-L-13', { hours: '5' })]), 'batch=newer-13&observed_at=2026-03-11T00:00:00Z')
    const r = await replayOne(d.id, { raw: JSON.stringify(te('TE-L-13', { hours: '9' })) })
    expect(r.body.ok).toBe(true)
    const [row] = await sql<{ hours: string }>(`SELECT toString(hours) AS hours FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-L-13'`)
    expect(row.hours).toBe('5')
  })
})

describe('idempotent batch ids', () => {
  const first = [te('TE-D-1', { hours: '1' }), te('TE-D-2', { hours: '2' }), te('TE-D-3', { hours: 99 })]
  const hoursOf = async () =>
    sql<{ key: string; hours: string }>(
      `SELECT key, toString(hours) AS hours FROM cur_time_entry(kind = 'erp', as_of = now64(3)) WHERE startsWith(key, 'TE-D-') ORDER BY key`,
    )

  it('answers duplicate with the original counts and changes nothing', async () => {
    const a = await ok('netsuite', 'time_entry', ndjson(first), 'batch=dup-1&observed_at=2026-03-01T00:00:00Z')
    expect(a).toMatchObject({ batch: 'dup-1', accepted: 2, rejected: 1, duplicate: false })
    const before = await hoursOf()
    expect(before).toEqual([
      { key: 'TE-D-1', hours: '1' },
      { key: 'TE-D-2', hours: '2' },
    ])
    // Same id, different content, later observation: nothing of it may land.
    const changed = [te('TE-D-1', { hours: '11' }), te('TE-D-4'), te('TE-D-5'), te('TE-D-6'), { key: 'TE-D-7' }]
    const b = await ok('netsuite', 'time_entry', ndjson(changed), 'batch=dup-1&observed_at=2026-03-05T00:00:00Z')
    expect(b).toEqual({ batch: 'dup-1', accepted: 2, rejected: 1, duplicate: true, errors: [] })
    expect(await hoursOf()).toEqual(before)
    expect(await records('netsuite', 'time_entry')).toBe(2)
    expect(await deadLetters('system=netsuite&batch=dup-1&status=all')).toHaveLength(1)
  })

  it('batch ids are unique per system: another entity of the system is a duplicate, another system is not', async () => {
    const otherEntity = await ok('netsuite', 'expense', ndjson([{ key: 'EX-1' }]), 'batch=dup-1')
    expect(otherEntity).toMatchObject({ duplicate: true, accepted: 2, rejected: 1 })
    expect(await deadLetters('system=netsuite&entity=expense&status=all')).toEqual([])
    const otherSystem = await ok('kantata', 'time_entry', ndjson([te('TE-D-K1')]), 'batch=dup-1')
    expect(otherSystem).toMatchObject({ duplicate: false, accepted: 1 })
  })

  it('Idempotency-Key works as the batch id', async () => {
    const headers = { 'idempotency-key': 'idem-42' }
    const a = await ok('netsuite', 'time_entry', ndjson([te('TE-D-I1')]), 'observed_at=2026-03-01T00:00:00Z', { headers })
    expect(a).toMatchObject({ batch: 'idem-42', accepted: 1, duplicate: false })
    const b = await ok('netsuite', 'time_entry', ndjson([te('TE-D-I2')]), '', { headers })
    expect(b).toMatchObject({ batch: 'idem-42', accepted: 1, duplicate: true })
    const c = await ok('netsuite', 'time_entry', ndjson([te('TE-D-I3')]), 'batch=idem-42')
    expect(c).toMatchObject({ batch: 'idem-42', duplicate: true })
    expect(await records('netsuite', 'time_entry')).toBe(3)
  })

  it('without a batch id every request is a new batch', async () => {
    const a = await ok('netsuite', 'time_entry', ndjson([te('TE-D-N1')]), '')
    const b = await ok('netsuite', 'time_entry', ndjson([te('TE-D-N1')]), '')
    expect(a.batch).not.toBe(b.batch)
    expect(b.duplicate).toBe(false)
  })

  it('the same batch id sent concurrently lands once', async () => {
    const body = ndjson([te('TE-D-C1'), te('TE-D-C2')])
    const results = await Promise.all([1, 2, 3].map(() => ok('netsuite', 'time_entry', body, 'batch=conc-1')))
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
    for (const r of results) expect(r.accepted).toBe(2)
    const [n] = await sql<{ n: string }>(
      `SELECT count() AS n FROM entity_time_entry WHERE key = 'TE-D-C1' AND batch_uid IN (SELECT batch_uid FROM batches WHERE batch_id = 'conc-1')`,
    )
    expect(Number(n.n)).toBe(1)
  })
})


// Every error status of the ingest API (CONTRACT §3) on the real server: exact status, the
// {"error": {"code", "message"}} shape, a message that names what is wrong, no stack and no SQL
// in the body, and nothing half-written by a request that failed.
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { api, ingest, ndjson } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { until } from './helpers/wait.ts'
import { KANTATA_TOKEN, NETSUITE_TOKEN, MAX_BODY, config, timeEntry, entryLines, chunked, expectError, seenErrorBodies, records, batchesOf } from './helpers/ingest-errors.ts'

describe('ingest errors', () => {
  const server = useServer({ config: config() })

  describe('401 without valid credentials', () => {
    it('answers 401 with WWW-Authenticate when no token is sent', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-401-1')]), '', { token: null })
      expectError(r, 401, 'unauthorized', /Authorization: Bearer/)
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
    })

    it('answers 401 with WWW-Authenticate for a wrong token, and for a non-Bearer scheme', async () => {
      const wrong = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-401-2')]), '', { token: 'not-a-token' })
      expectError(wrong, 401, 'unauthorized', /invalid credentials/i)
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
      const basic = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-401-3')]), '', {
        token: null,
        headers: { authorization: `Basic ${Buffer.from(`admin:${KANTATA_TOKEN}`).toString('base64')}` },
      })
      expectError(basic, 401, 'unauthorized')
      expect(basic.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
      expect(await records(server.url, 'kantata', 'time_entry')).toBe(0)
    })
  })

  describe('403 for another system', () => {
    it("refuses a collector token of another system and names both systems", async () => {
      const r = await ingest(server.url, 'netsuite', 'time_entry', ndjson([timeEntry('TE-403-1')]), '', { token: KANTATA_TOKEN })
      expectError(r, 403, 'forbidden', /kantata/, /netsuite/)
      expect(await records(server.url, 'netsuite', 'time_entry')).toBe(0)
    })

    it("accepts the same token for its own system, and the other system's token for that one", async () => {
      const own = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-403-2')]), 'batch=own-403', { token: KANTATA_TOKEN })
      expect(own.status, JSON.stringify(own.body)).toBe(200)
      expect(own.body.accepted).toBe(1)
      const other = await ingest(server.url, 'netsuite', 'time_entry', ndjson([timeEntry('TE-403-3')]), 'batch=ns-403', { token: NETSUITE_TOKEN })
      expect(other.status).toBe(200)
      expect(await records(server.url, 'netsuite', 'time_entry')).toBe(1)
    })

    it('a collector token cannot read', async () => {
      const r = await api(server.url, '/api/v1/dead-letters', { token: KANTATA_TOKEN })
      expectError(r, 403, 'forbidden')
    })
  })

  it('404 for an unknown source, naming it and the configured ones', async () => {
    const r = await ingest(server.url, 'hubspot', 'account', ndjson([{ key: 'A-1', name: 'Acme' }]))
    expectError(r, 404, 'not_found', /'hubspot'/, /kantata/, /netsuite/, /workday/)
  })

  it('400 for an unknown entity, naming it and the known ones', async () => {
    const r = await ingest(server.url, 'kantata', 'timesheet', ndjson([timeEntry('TE-400-1')]))
    expectError(r, 400, 'unknown_entity', /'timesheet'/, /time_entry/, /invoice/)
  })

  describe('400 for a bad query parameter', () => {
    it('mode=bogus names mode and the allowed values', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-400-2')]), 'mode=bogus')
      expectError(r, 400, 'bad_parameter', /\bmode\b/, /delta or full/)
    })

    it('observed_at=yesterday names observed_at and the expected format', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-400-3')]), 'observed_at=yesterday')
      expectError(r, 400, 'bad_parameter', /observed_at/, /ISO-8601/)
    })

    it('a datetime without Z or an offset is refused', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-400-4')]), 'observed_at=2026-03-01T10:00:00')
      expectError(r, 400, 'bad_parameter', /observed_at/)
    })

    it('an unknown parameter is named', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-400-5')]), 'batch=x1&obsrved_at=2026-03-01T10:00:00Z')
      expectError(r, 400, 'bad_parameter', /obsrved_at/)
    })

    it('part must be a non-negative integer, and snapshot parameters need mode=full', async () => {
      const part = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-400-6')]), 'mode=full&snapshot=s&part=one')
      expectError(part, 400, 'bad_parameter', /\bpart\b/)
      const delta = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-400-7')]), 'snapshot=s&part=1')
      expectError(delta, 400, 'bad_parameter', /snapshot/, /mode=full/)
    })

    it('none of the refused requests wrote anything', async () => {
      const r = await api(server.url, '/api/v1/dead-letters?status=all')
      expect(r.status).toBe(200)
      expect(r.body.items).toEqual([])
      // Only the two accepted batches of the 403 tests exist.
      expect(await records(server.url, 'kantata', 'time_entry')).toBe(1)
    })
  })

  describe('400 for unreadable body framing', () => {
    const json = { 'content-type': 'application/json' }

    it('an application/json body that is an object, not an array', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', '{"a":1}', 'batch=frame-1', { headers: json })
      expectError(r, 400, 'bad_framing', /array/)
    })

    it('an unclosed array, after good elements, writes nothing; the batch id stays free', async () => {
      const body = '[' + [timeEntry('TE-FR-1'), timeEntry('TE-FR-2')].map((x) => JSON.stringify(x)).join(',\n')
      const r = await ingest(server.url, 'netsuite', 'time_entry', body, 'batch=frame-2', { headers: json })
      expectError(r, 400, 'bad_framing', /not closed/, /element 3|element 2/)
      expect(await records(server.url, 'netsuite', 'time_entry')).toBe(1)
      const again = await ingest(server.url, 'netsuite', 'time_entry', body + ']', 'batch=frame-2', { headers: json })
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ batch: 'frame-2', accepted: 2, rejected: 0, duplicate: false })
      expect(await records(server.url, 'netsuite', 'time_entry')).toBe(3)
    })

    it('content after the closing bracket, and an empty body', async () => {
      const trailing = await ingest(server.url, 'kantata', 'time_entry', `[${JSON.stringify(timeEntry('TE-FR-3'))}] [`, 'batch=frame-3', { headers: json })
      expectError(trailing, 400, 'bad_framing', /after the closing/)
      const empty = await ingest(server.url, 'kantata', 'time_entry', '', 'batch=frame-4', { headers: json })
      expectError(empty, 400, 'bad_framing', /empty/)
    })
  })

  describe('400 for invalid gzip', () => {
    it('a body that is not gzip at all', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-GZ-1')]), 'batch=gz-1', { headers: { 'content-encoding': 'gzip' } })
      expectError(r, 400, 'bad_gzip', /gzip/)
    })

    it('a truncated gzip stream writes nothing, and the batch id can be sent again', async () => {
      const full = gzipSync(Buffer.from(ndjson([timeEntry('TE-GZ-2'), timeEntry('TE-GZ-3'), timeEntry('TE-GZ-4')])))
      const cut = full.subarray(0, full.length - 12)
      const r = await api(server.url, '/api/v1/ingest/workday/time_entry?batch=gz-2', {
        method: 'POST',
        body: cut,
        headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      })
      expectError(r, 400, 'bad_gzip', /gzip/)
      expect(await records(server.url, 'workday', 'time_entry')).toBe(0)
      const again = await api(server.url, '/api/v1/ingest/workday/time_entry?batch=gz-2', {
        method: 'POST',
        body: full,
        headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      })
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ accepted: 3, duplicate: false })
      expect(await records(server.url, 'workday', 'time_entry')).toBe(3)
    })
  })

  describe('413 over limits.max_body_bytes', () => {
    // ~175 bytes a line: 130,000 lines are ~22 MB, over the 16 MB limit; the pipeline writes
    // its first chunk of rows to the entity table before the limit is crossed, so "nothing
    // visible" is tested against rows that really were inserted.
    const LINES = 130_000

    const visibleByPrefix = async (prefix: string) => {
      const rs = await server.db.client.query({
        query: `SELECT count() AS n FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE startsWith(key, {p:String})`,
        query_params: { p: prefix },
        format: 'JSONEachRow',
      })
      return Number((await rs.json<{ n: string }>())[0].n)
    }
    const storedByPrefix = async (prefix: string) => {
      const rs = await server.db.client.query({
        query: `SELECT count() AS n FROM entity_time_entry WHERE startsWith(key, {p:String})`,
        query_params: { p: prefix },
        format: 'JSONEachRow',
      })
      return Number((await rs.json<{ n: string }>())[0].n)
    }

    async function expectResendWorks(batch: string, prefix: string, before: number) {
      const again = await ingest(server.url, 'kantata', 'time_entry', [...entryLines(prefix, 100)].join(''), `batch=${batch}`)
      expect(again.status, JSON.stringify(again.body)).toBe(200)
      expect(again.body).toMatchObject({ batch, accepted: 100, rejected: 0, duplicate: false })
      expect(await records(server.url, 'kantata', 'time_entry')).toBe(before + 100)
      expect(await visibleByPrefix(prefix)).toBe(100)
    }

    it('by Content-Length, before reading the body', async () => {
      const before = await records(server.url, 'kantata', 'time_entry')
      const batchesBefore = await batchesOf(server.url, 'kantata')
      const body = [...entryLines('TE-413A', LINES)].join('')
      expect(body.length).toBeGreaterThan(MAX_BODY)
      const r = await ingest(server.url, 'kantata', 'time_entry', body, 'batch=big-413-a')
      expectError(r, 413, 'payload_too_large', new RegExp(String(MAX_BODY)), /max_body_bytes/)
      expect(await records(server.url, 'kantata', 'time_entry')).toBe(before)
      expect(await batchesOf(server.url, 'kantata')).toBe(batchesBefore)
      await expectResendWorks('big-413-a', 'TE-413A', before)
    })

    it('mid-stream for a chunked body: rows already written stay invisible', async () => {
      const before = await records(server.url, 'kantata', 'time_entry')
      const batchesBefore = await batchesOf(server.url, 'kantata')
      // A bad line early: its dead letter must not show either.
      const lines = (function* () {
        yield '{"key":"TE-413B-bad","hours":"x"}\n'
        yield* entryLines('TE-413B', LINES)
      })()
      const r = await api(server.url, '/api/v1/ingest/kantata/time_entry?batch=big-413-b', {
        method: 'POST',
        body: chunked(lines),
        headers: { 'content-type': 'application/x-ndjson' },
        duplex: 'half',
      } as RequestInit)
      expectError(r, 413, 'payload_too_large', /max_body_bytes/)
      // The chunk written before the limit was crossed may still be landing: wait for it.
      await until(async () => (await storedByPrefix('TE-413B')) > 0)
      expect(await visibleByPrefix('TE-413B')).toBe(0)
      expect(await records(server.url, 'kantata', 'time_entry')).toBe(before)
      expect(await batchesOf(server.url, 'kantata')).toBe(batchesBefore)
      const dl = await api(server.url, '/api/v1/dead-letters?status=all&batch=big-413-b')
      expect(dl.body.items).toEqual([])
      await expectResendWorks('big-413-b', 'TE-413B2', before)
    })

    it('mid-stream for a gzip body whose compressed size is under the limit', async () => {
      const before = await records(server.url, 'kantata', 'time_entry')
      const gz = gzipSync(Buffer.from([...entryLines('TE-413C', LINES)].join('')))
      expect(gz.length).toBeLessThan(MAX_BODY)
      const r = await api(server.url, '/api/v1/ingest/kantata/time_entry?batch=big-413-c', {
        method: 'POST',
        body: gz,
        headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      })
      expectError(r, 413, 'payload_too_large', /max_body_bytes/)
      expect(await visibleByPrefix('TE-413C')).toBe(0)
      expect(await records(server.url, 'kantata', 'time_entry')).toBe(before)
      await expectResendWorks('big-413-c', 'TE-413C2', before)
    })
  })

  describe('415 for a wrong content type or encoding', () => {
    it('text/csv names the type and the accepted ones', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', 'key,hours\nTE-1,8\n', 'batch=csv-1', { headers: { 'content-type': 'text/csv' } })
      expectError(r, 415, 'unsupported_media_type', /text\/csv/, /application\/x-ndjson/, /application\/json/)
    })

    it('a missing Content-Type is named', async () => {
      const r = await api(server.url, '/api/v1/ingest/kantata/time_entry?batch=ct-none', {
        method: 'POST',
        body: new Blob([ndjson([timeEntry('TE-415-1')])]),
      })
      expectError(r, 415, 'unsupported_media_type', /missing/)
    })

    it('Content-Encoding: br names the encoding and the accepted one', async () => {
      const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-415-2')]), 'batch=br-1', { headers: { 'content-encoding': 'br' } })
      expectError(r, 415, 'unsupported_encoding', /'br'/, /gzip/)
      const dl = await api(server.url, '/api/v1/dead-letters?status=all')
      expect(dl.body.items).toEqual([])
    })
  })

  it('every error body so far was free of stack frames and SQL', () => {
    expect(seenErrorBodies.length).toBeGreaterThanOrEqual(20)
    for (const r of seenErrorBodies) expect(JSON.stringify(r.body)).not.toMatch(/    at |SELECT|INSERT/)
  })
})

// chDB binds one data directory per process: this server starts after the one above is closed.

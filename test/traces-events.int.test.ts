// Native step events (POST /api/v1/ingest/{system}/events) for senders without OpenTelemetry:
// stored as spans, read back as transactions, bad lines reported by line and field, and
// transaction_failed fires on the entity whose latest run failed, not on one retried successfully.
import { beforeAll, describe, expect, it } from 'vitest'
import { api, ingest, ndjson } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const HEX_TX = '0af7651916cd43dd8448eb211c80319c'

// PRJ-EV-1: failed at 10:00, retried successfully at 11:00. PRJ-EV-2: ok at 10:30, failed at 12:00
// (the failing run spans two systems). PRJ-EV-3: one successful run with sub-millisecond times.
const netsuite = [
  { transaction_id: 'tx-1a', workflow: 'quote_to_project', step: 'read_opportunity', entity_type: 'project', entity_key: 'PRJ-EV-1', status: 'ok', attempt: 1, started_at: '2026-03-01T10:00:00Z', ended_at: '2026-03-01T10:00:02Z' },
  { transaction_id: 'tx-1a', workflow: 'quote_to_project', step: 'create_project', entity_type: 'project', entity_key: 'PRJ-EV-1', status: 'error', error_message: 'subsidiary EMEA-2 is inactive', attempt: 1, started_at: '2026-03-01T10:00:03Z', ended_at: '2026-03-01T10:00:05.500Z' },
  { transaction_id: 'tx-1b', workflow: 'quote_to_project', step: 'read_opportunity', entity_type: 'project', entity_key: 'PRJ-EV-1', status: 'ok', attempt: 2, started_at: '2026-03-01T11:00:00Z', ended_at: '2026-03-01T11:00:01Z' },
  { transaction_id: 'tx-1b', workflow: 'quote_to_project', step: 'create_project', entity_type: 'project', entity_key: 'PRJ-EV-1', status: 'ok', attempt: 2, started_at: '2026-03-01T11:00:02Z', ended_at: '2026-03-01T11:00:04Z' },
  { transaction_id: 'tx-2a', workflow: 'quote_to_project', step: 'create_project', entity_type: 'project', entity_key: 'PRJ-EV-2', status: 'ok', started_at: '2026-03-01T10:30:00Z', ended_at: '2026-03-01T10:30:01Z' },
  { transaction_id: HEX_TX.toUpperCase(), workflow: 'quote_to_project', step: 'create_project', entity_type: 'project', entity_key: 'PRJ-EV-2', status: 'error', error_message: 'duplicate external id', started_at: '2026-03-01T12:00:00Z', ended_at: '2026-03-01T12:00:03Z' },
  { transaction_id: 'tx-3', workflow: 'time_to_cash', step: 'post_invoice', entity_type: 'invoice', entity_key: 'INV-EV-3', status: 'ok', started_at: '2026-03-01T09:00:00.000250Z', ended_at: '2026-03-01T09:00:00.001Z' },
]
// The same failing transaction continues in the PSA: a step that went fine there.
const kantata = [
  { transaction_id: HEX_TX, workflow: 'quote_to_project', step: 'create_psa_project', entity_type: 'project', entity_key: 'PRJ-EV-2', status: 'ok', started_at: '2026-03-01T12:00:01Z', ended_at: '2026-03-01T12:00:02Z' },
]

describe('POST /api/v1/ingest/{system}/events', () => {
  let first: any
  const server = useServer()
  beforeAll(async () => {
    const lines = ndjson(netsuite).split('\n')
    const bad = [
      JSON.stringify({ ...netsuite[0], transaction_id: 'tx-bad-1', step: undefined }),
      JSON.stringify({ ...netsuite[0], transaction_id: 'tx-bad-2', status: 'bogus' }),
      JSON.stringify({ ...netsuite[0], transaction_id: 'tx-bad-3', started_at: '2026-13-45 25:00' }),
      '{"transaction_id": "tx-bad-4",',
    ]
    // Bad lines 2, 5, 8 and 10 between the good ones.
    const body = [lines[0], bad[0], lines[1], lines[2], bad[1], lines[3], lines[4], bad[2], lines[5], bad[3], lines[6]].join('\n') + '\n'
    first = await ingest(server.url, 'netsuite', 'events', body, 'batch=ev-1')
    const k = await ingest(server.url, 'kantata', 'events', ndjson(kantata), 'batch=ev-k1')
    expect(k.body).toMatchObject({ accepted: 1, rejected: 0 })
  })

  const list = async (q: string) => (await api(server.url, `/api/v1/transactions?${q}`)).body.items

  it('accepts the good lines and rejects each bad one with its line and field', () => {
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ batch: 'ev-1', accepted: 7, rejected: 4, duplicate: false })
    const errors = first.body.errors as Array<{ line: number; field: string; message: string }>
    expect(errors.find((e) => e.line === 2)).toMatchObject({ field: 'step', message: 'is required' })
    expect(errors.find((e) => e.line === 5)).toMatchObject({ field: 'status', message: expect.stringMatching(/ok or error/) })
    expect(errors.find((e) => e.line === 8)).toMatchObject({ field: 'started_at', message: expect.stringMatching(/ISO-8601/) })
    expect(errors.find((e) => e.line === 10)?.message).toMatch(/JSON/)
    expect(errors.map((e) => e.line).sort((a, b) => a - b)).toEqual([2, 5, 8, 10])
  })

  it('keeps the rejected lines in the dead-letter store with their raw text', async () => {
    const r = await api(server.url, '/api/v1/dead-letters?system=netsuite&entity=events')
    expect(r.status).toBe(200)
    expect(r.body.items.map((d: any) => d.line).sort((a: number, b: number) => a - b)).toEqual([2, 5, 8, 10])
    expect(r.body.items.find((d: any) => d.line === 5).raw).toContain('"bogus"')
  })

  it('reads the events back as transactions: steps as spans, failed when a step errored', async () => {
    const ev1 = await list('entity_key=PRJ-EV-1')
    expect(ev1.map((t: any) => [t.status, t.attempt, t.spans])).toEqual([['ok', 2, 2], ['failed', 1, 2]])
    expect(ev1[1]).toMatchObject({
      workflow: 'quote_to_project', entity_type: 'project', entity_key: 'PRJ-EV-1', systems: ['netsuite'],
      started_at: '2026-03-01T10:00:00.000Z', duration_ms: 5500, failed_step: 'create_project', error_message: 'subsidiary EMEA-2 is inactive',
    })
    expect(ev1[0]).toMatchObject({ started_at: '2026-03-01T11:00:00.000Z', duration_ms: 4000, failed_step: null, error_message: null })

    const t = await api(server.url, `/api/v1/transactions/${ev1[1].trace_id}`)
    expect(t.body.spans.map((s: any) => [s.name, s.status, s.status_message, s.service])).toEqual([
      ['read_opportunity', 'Ok', null, 'netsuite'],
      ['create_project', 'Error', 'subsidiary EMEA-2 is inactive', 'netsuite'],
    ])
    expect(t.body.spans[1].attributes).toEqual({
      'crosswalk.workflow': 'quote_to_project', 'crosswalk.entity.type': 'project', 'crosswalk.entity.key': 'PRJ-EV-1',
      'crosswalk.transaction_id': 'tx-1a', 'crosswalk.attempt': 1,
    })
  })

  it('a transaction_id of 32 hex characters is the trace id; steps from two systems join it', async () => {
    const t = await api(server.url, `/api/v1/transactions/${HEX_TX}`)
    expect(t.status).toBe(200)
    expect(t.body).toMatchObject({
      trace_id: HEX_TX, entity_key: 'PRJ-EV-2', status: 'failed', systems: ['kantata', 'netsuite'], duration_ms: 3000,
      failed_step: 'create_project', error_message: 'duplicate external id',
    })
    expect(t.body.spans.map((s: any) => [s.name, s.service, s.offset_ms])).toEqual([['create_project', 'netsuite', 0], ['create_psa_project', 'kantata', 1000]])
    expect((await list('system=kantata')).map((x: any) => x.trace_id)).toEqual([HEX_TX])
  })

  it('keeps sub-millisecond step times', async () => {
    const [t] = await list('entity_key=INV-EV-3')
    expect(t).toMatchObject({ workflow: 'time_to_cash', entity_type: 'invoice', status: 'ok', started_at: '2026-03-01T09:00:00.000Z' })
    const one = await api(server.url, `/api/v1/transactions/${t.trace_id}`)
    expect(one.body.spans[0].duration_ms).toBeCloseTo(0.75, 9)
  })

  it('filters by workflow, status and system', async () => {
    expect((await list('status=failed')).map((t: any) => t.entity_key).sort()).toEqual(['PRJ-EV-1', 'PRJ-EV-2'])
    expect((await list('workflow=time_to_cash')).map((t: any) => t.entity_key)).toEqual(['INV-EV-3'])
    expect(await list('system=salesforce')).toEqual([])
  })

  it('transaction_failed: the latest run of an entity failed, as of as_of', async () => {
    const detect = (asOf: string) => api(server.url, `/api/v1/detect?as_of=${asOf}`, { method: 'POST' })
    const open = async () => {
      const r = await api(server.url, '/api/v1/exceptions?rule=transaction_failed')
      return Object.fromEntries(r.body.items.map((e: any) => [e.entity_key, e]))
    }
    // 10:45: PRJ-EV-1's only run so far failed; PRJ-EV-2's only run succeeded.
    expect((await detect('2026-03-01T10:45:00Z')).status).toBe(200)
    expect(Object.keys(await open())).toEqual(['PRJ-EV-1'])

    // Later: PRJ-EV-1 was retried successfully (resolved automatically), PRJ-EV-2 then failed.
    await detect('2026-03-02T00:00:00Z')
    const now = await open()
    expect(Object.keys(now)).toEqual(['PRJ-EV-2'])
    expect(now['PRJ-EV-2']).toMatchObject({ entity_type: 'project', systems: ['kantata', 'netsuite'], amount_at_risk: 0 })
    expect(now['PRJ-EV-2'].details.transaction).toMatchObject({ trace_ids: [HEX_TX], failed_steps: ['create_project'], error_messages: ['duplicate external id'] })

    const all = await api(server.url, '/api/v1/exceptions?rule=transaction_failed&status=resolved')
    expect(all.body.items.map((e: any) => [e.entity_key, e.resolution])).toEqual([['PRJ-EV-1', 'auto']])
    const t = await api(server.url, `/api/v1/transactions/${HEX_TX}`)
    expect(t.body.exceptions.map((e: any) => e.id)).toEqual([now['PRJ-EV-2'].id])
  })

  it('re-sending a batch id changes nothing', async () => {
    const again = await ingest(server.url, 'kantata', 'events', ndjson(kantata), 'batch=ev-k1')
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ batch: 'ev-k1', accepted: 1, rejected: 0, duplicate: true })
    const t = await api(server.url, `/api/v1/transactions/${HEX_TX}`)
    expect(t.body.spans).toHaveLength(2)
  })

  it('needs a token and a configured source', async () => {
    expect((await ingest(server.url, 'netsuite', 'events', ndjson(netsuite), '', { token: null })).status).toBe(401)
    expect((await ingest(server.url, 'nowhere', 'events', ndjson(netsuite))).status).toBe(404)
  })
})

// `crosswalk ingest --mode full` run twice on the same file (issue 18, defect 14): README says
// resending a file changes nothing. A full snapshot's id is the digest of the file, so every
// part of the second run is a duplicate: no rows, no batches, no deletions.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ingestFile } from '../ingest/collectors/ingest-file.ts'
import { queryRows } from '../server/db/query.ts'
import { ADMIN, tempDir } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const dir = tempDir('cw-ingest-resend-')
const server = useServer()

const entry = (i: number) =>
  JSON.stringify({
    key: `TE-RS-${i}`, resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 7.5, billable: true,
    status: 'approved', bill_rate: '180.10', currency: 'USD',
  })

const count = async (query: string) => Number((await queryRows<{ n: string }>(server.db, 'test', query))[0].n)
const rows = () => count(`SELECT count() AS n FROM entity_time_entry WHERE system = 'kantata'`)
const batches = () => count(`SELECT count() AS n FROM batches WHERE system = 'kantata'`)

describe('crosswalk ingest, the same file twice', () => {
  it('--mode full: the second run is all duplicates and writes nothing', async () => {
    const file = path.join(dir, 'snapshot.ndjson')
    fs.writeFileSync(file, Array.from({ length: 25 }, (_, i) => entry(i)).join('\n') + '\n')
    const send = () => ingestFile({ file, server: server.url, token: ADMIN, system: 'kantata', entity: 'time_entry', mode: 'full', batchRows: 10, concurrency: 2 })
    const first = await send()
    expect(first).toMatchObject({ batches: 3, accepted: 25, duplicates: 0 })
    const [r0, b0] = [await rows(), await batches()]
    expect([r0, b0]).toEqual([25, 3])

    const second = await send()
    expect(second).toMatchObject({ batches: 3, accepted: 25, duplicates: 3, deleted: 0 })
    expect([await rows(), await batches()]).toEqual([r0, b0])

    // Another file is another snapshot: what it lacks is deleted.
    const smaller = path.join(dir, 'smaller.ndjson')
    fs.writeFileSync(smaller, Array.from({ length: 20 }, (_, i) => entry(i)).join('\n') + '\n')
    const third = await ingestFile({ file: smaller, server: server.url, token: ADMIN, system: 'kantata', entity: 'time_entry', mode: 'full', batchRows: 10 })
    expect(third).toMatchObject({ accepted: 20, duplicates: 0, deleted: 5 })
  })

  it('--mode delta: the second run is all duplicates too', async () => {
    const file = path.join(dir, 'delta.ndjson')
    fs.writeFileSync(file, Array.from({ length: 12 }, (_, i) => entry(100 + i)).join('\n') + '\n')
    const send = () => ingestFile({ file, server: server.url, token: ADMIN, system: 'kantata', entity: 'time_entry', mode: 'delta', batchRows: 5 })
    expect(await send()).toMatchObject({ batches: 3, duplicates: 0 })
    const b0 = await batches()
    expect(await send()).toMatchObject({ batches: 3, duplicates: 3 })
    expect(await batches()).toBe(b0)
  })
})

// The embedded engine keeps a query's settings for later queries (SET on its one session):
// a setting one query changes must not change the next query's answer.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { queryRows } from '../server/db/query.ts'
import { tempDir } from './helpers/server.ts'

describe('query settings on the embedded engine', () => {
  let db: Db
  const dir = tempDir()
  beforeAll(async () => {
    db = await openDb({ dataDir: dir })
  })
  afterAll(async () => {
    await db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  // A LEFT JOIN with no match: 0 for the missing side by default, NULL with join_use_nulls.
  const leftJoin = (settings = {}) =>
    queryRows<{ v: number | null }>(db, 'test.join', 'SELECT r.v AS v FROM (SELECT 1 AS k) AS l LEFT JOIN (SELECT 2 AS k, 7 AS v) AS r ON r.k = l.k', {}, settings)

  it('applies a setting to its own query only', async () => {
    expect(await leftJoin({ join_use_nulls: 1 })).toEqual([{ v: null }])
    expect(await leftJoin()).toEqual([{ v: 0 }])
    await queryRows(db, 'test.threads', 'SELECT 1', {}, { max_threads: 1 })
    const [t] = await queryRows<{ value: string }>(db, 'test.settings', "SELECT value FROM system.settings WHERE name = 'max_threads'")
    expect(t.value).toMatch(/^auto/)
  })
})

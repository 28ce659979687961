// On a ClickHouse server (CLICKHOUSE_URL) bulk rows go to the engine as an insert stream, not
// through a scratch file as on the embedded engine. There is no ClickHouse server here, so that
// path runs on the embedded engine's client with the data dir hidden: an ingest batch and a
// group of span requests must land whole, as they do through the scratch file.
import { afterAll, beforeAll, describe, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { migrate } from '../server/db/migrate.ts'
import { tempDir } from './helpers/server.ts'
import { expectBatchLands, expectSpansLand } from './helpers/bulk-paths.ts'

describe('bulk inserts without a scratch dir (the ClickHouse server path)', () => {
  let db: Db
  let server: Db
  beforeAll(async () => {
    db = await openDb({ dataDir: tempDir() })
    await migrate(db, undefined, () => {})
    server = { ...db, scratchDir: undefined, dataDir: undefined }
  })
  afterAll(() => db.close())

  it('lands an ingest batch', () => expectBatchLands(server, db, 'TE-SP-', 'server-path'))

  it('lands span requests that arrive together', () => expectSpansLand(server, db))
})

// Vitest setup of the server-path pass (CROSSWALK_TEST_STORAGE=server, see vite.config.ts): one
// ClickHouse HTTP test server per test file, over a data dir of its own, started before the file
// is imported. CLICKHOUSE_URL points at it, so a `crosswalk serve` the file spawns uses it too;
// test/helpers/server.ts gives each in-process Crosswalk server a database of its own on it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'
import { startClickHouseHttp } from '../clickhouse-http.ts'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chsrv-'))
const ch = await startClickHouseHttp({ dataDir })
process.env.CLICKHOUSE_URL = ch.url
afterAll(async () => {
  await ch.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

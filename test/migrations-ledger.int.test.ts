// A database migrated before some migrations were rewritten with directives must see nothing
// changed: the ledger holds the same checksums, and migrating again applies and warns of nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { loadMigrations, migrate } from '../server/db/migrate.ts'
import { queryRows } from '../server/db/query.ts'
import { sqlFile } from '../server/db/sql-files.ts'
import { ENTITY_NAMES } from '../server/model/spec.ts'
import { tempDir } from './helpers/server.ts'
import { SHIPPED_CHECKSUMS } from './helpers/shipped-migrations.ts'

describe('migrations written with directives, on a database', () => {
  let db: Db
  const log: string[] = []
  beforeAll(async () => {
    db = await openDb({ dataDir: tempDir() })
    await migrate(db, undefined, (l) => log.push(l))
  })
  afterAll(() => db.close())

  it('records the checksums the shipped files had', async () => {
    const rows = await queryRows<{ version: number; name: string; checksum: string }>(db, 't', 'SELECT version, name, checksum FROM schema_migrations')
    const byFile = new Map(rows.map((r) => [`${String(r.version).padStart(4, '0')}_${r.name}.sql`, r.checksum]))
    expect(byFile.size).toBe(loadMigrations().length)
    for (const [file, checksum] of Object.entries(SHIPPED_CHECKSUMS)) expect(byFile.get(file)).toBe(checksum)
  })

  it('applies nothing and warns of nothing the second time', async () => {
    const again: string[] = []
    expect(await migrate(db, undefined, (l) => again.push(l))).toBe(0)
    expect(again).toEqual([])
  })

  it('creates a table and a current view per entity, and counts through the generated query', async () => {
    const tables = await queryRows<{ name: string }>(db, 't', "SELECT name FROM system.tables WHERE database = currentDatabase() AND (startsWith(name, 'entity_') OR startsWith(name, 'cur_'))")
    const names = new Set(tables.map((t) => t.name))
    for (const e of ENTITY_NAMES) {
      expect(names.has(`entity_${e}`), e).toBe(true)
      expect(names.has(`cur_${e}`), e).toBe(true)
    }
    const rows = await queryRows(db, 't', sqlFile('sources/entity_counts.sql'), { as_of: '2030-01-01 00:00:00.000' })
    expect(rows).toEqual([])
  })
})

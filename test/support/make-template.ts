// Writes a migrated embedded data dir to the last argument: the template test servers start from
// (test/support/template.ts), run in a process of its own since chDB is one engine per process.
import { openDb } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'

const db = await openDb({ dataDir: process.argv.at(-1)!, log: () => {} })
await migrate(db)
await db.close()
process.exit(0)

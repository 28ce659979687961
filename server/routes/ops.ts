// POST /api/v1/admin/backup, POST /api/v1/admin/restore (admin): the CLI's `crosswalk backup`
// and `crosswalk restore` call these, since the embedded engine is one process per data dir.
import { routes } from '../http/openapi.ts'
import { audit } from '../auth/audit.ts'
import { backup } from '../ops/backup.ts'
import { restore } from '../ops/restore.ts'
import { runBackup, runRestore } from './ops.schema.ts'

export const opsRoutes = routes()
  .openapi(runBackup, async (c) => {
    const { dir } = c.req.valid('json')
    const { db, config, version, clock } = c.var.services
    const r = await backup(db, config, dir, version, clock.now())
    await audit(c, 'backup', r.dir, { tables: r.tables, rows: r.rows })
    return c.json(r, 200)
  })
  .openapi(runRestore, async (c) => {
    const { dir } = c.req.valid('json')
    const { db, config, cache } = c.var.services
    const r = await restore(db, config, dir)
    cache.bump()
    await audit(c, 'restore', r.dir, { tables: r.tables, rows: r.rows, verified: r.verified })
    return c.json(r, 200)
  })

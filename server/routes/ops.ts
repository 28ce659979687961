// POST /api/v1/admin/backup, POST /api/v1/admin/restore (admin): the CLI's `crosswalk backup`
// and `crosswalk restore` call these, since the embedded engine is one process per data dir.
import { routes } from '../http/openapi.ts'
import { audited } from '../auth/audit.ts'
import { backup } from '../ops/backup.ts'
import { restore } from '../ops/restore.ts'
import { runBackup, runRestore } from './ops.schema.ts'

export const opsRoutes = routes()
  .openapi(runBackup, async (c) => {
    const { dir } = c.req.valid('json')
    const { db, config, version, clock } = c.var.services
    const r = await audited(c, 'backup', dir, {}, () => backup(db, config, dir, version, clock.now()))
    return c.json(r, 200)
  })
  .openapi(runRestore, async (c) => {
    const { dir } = c.req.valid('json')
    const { db, config, cache } = c.var.services
    const r = await audited(c, 'restore', dir, {}, () => restore(db, config, dir))
    cache.bump()
    return c.json(r, 200)
  })

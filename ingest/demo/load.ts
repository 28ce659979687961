// `crosswalk serve --demo`: the demo firm, loaded through the server's own API on an empty
// database, with health saying so meanwhile.
import { queryRows } from '../../server/db/query.ts'
import { sqlFile } from '../../server/db/sql-files.ts'
import type { Running } from '../../server/serve.ts'
import { DEMO_SEED, generateFirm } from './generate.ts'
import { sendFirm } from './send.ts'

/** `serve --demo`: load the demo firm through the server's own API when it holds no data yet. */
export async function loadDemoIfEmpty(running: Running): Promise<void> {
  const [r] = await queryRows<{ n: string }>(running.db, 'demo.count_batches', sqlFile('demo/count_batches.sql'))
  if (Number(r.n) > 0) return
  // /api/v1/health says so meanwhile, and the dashboard shows it and reloads when it is done.
  running.services.demo = 'loading'
  const firm = generateFirm({ seed: DEMO_SEED })
  const t = Date.now()
  let sent, run
  try {
    sent = await sendFirm(firm, { server: running.url, token: running.adminToken })
    run = await running.services.detector.run(new Date(), 'demo')
  } catch (e) {
    running.services.demo = 'failed'
    throw e
  }
  running.services.demo = 'loaded'
  console.log(
    `loaded the demo firm: ${sent.records} records in ${sent.batches} batches, ${run.detected} exceptions, ` +
      `${((Date.now() - t) / 1000).toFixed(1)} s`,
  )
}

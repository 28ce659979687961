import { generateFirm, DEMO_SEED } from '../../ingest/demo/generate.ts'
import { sendFirm } from '../../ingest/demo/send.ts'
import { queryRows } from '../db/query.ts'
import type { Running } from '../serve.ts'
import { intOption, parse } from './args.ts'
import { remote } from './remote.ts'

export const HELP = `Usage: crosswalk demo [--scale N] [--seed N] [--server URL] [--token T]

Generates a realistic consulting firm (Salesforce, NetSuite, Kantata, Workday; six months of
time; planted discrepancies of every reconciliation rule) and sends it through the ingest API
of a running server. The server must have the four demo sources configured (its default).

Options:
  --scale N     size multiplier (default 1: ~60 people, ~40 projects, ~8,000 time entries)
  --seed N      random seed (default ${DEMO_SEED})
  --server URL  API address (env CROSSWALK_SERVER, default http://127.0.0.1:8787)
  --token T     admin token (env CROSSWALK_TOKEN)`

export async function run(argv: string[]) {
  const { values } = parse(argv, { scale: { type: 'string' }, seed: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' } })
  const firm = generateFirm({ scale: intOption(values.scale, '--scale', 1) || 1, seed: intOption(values.seed, '--seed', DEMO_SEED) })
  const sent = await sendFirm(firm, remote(values), (line) => console.log(line))
  console.log(`demo firm loaded: ${sent.records} records in ${sent.batches} batches (as of ${firm.as_of})`)
}

/** `serve --demo`: load the demo firm through the server's own API when it holds no data yet. */
export async function loadDemoIfEmpty(running: Running): Promise<void> {
  const [r] = await queryRows<{ n: string }>(running.db, 'demo.count_batches', 'SELECT count() AS n FROM batches')
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

// `crosswalk demo`: the demo firm sent to a running server through the public ingest API, the
// same path a real collector takes.
import { generateFirm, DEMO_SEED } from '../demo/generate.ts'
import { sendFirm } from '../demo/send.ts'
import { UsageError, intOption, parse } from '../../server/cli/args.ts'
import { remote } from './remote.ts'
import { configSnippet, serveApis } from './serve-apis.ts'

export const HELP = `Usage: crosswalk demo [--scale N] [--seed N] [--server URL] [--token T]
       crosswalk demo --serve-apis PORT [--scale N] [--seed N]

Generates a realistic consulting firm (Salesforce, NetSuite, Kantata, Workday; six months of
time; planted discrepancies of every reconciliation rule) and sends it through the ingest API
of a running server. The server must have the four demo sources configured (its default).

Options:
  --scale N     size multiplier (default 1: ~60 people, ~40 projects, ~8,000 time entries)
  --seed N      random seed (default ${DEMO_SEED})
  --server URL  API address (env CROSSWALK_SERVER, default http://127.0.0.1:8787)
  --token T     admin token (env CROSSWALK_TOKEN)

--serve-apis PORT serves the same firm through local imitations of the six systems' APIs
(Salesforce, NetSuite, Dynamics 365, Workday, Kantata, Harvest) on 127.0.0.1, one port each
from PORT (0: any free ports), and prints each one's base_url and credentials and a config
snippet with a connector block per system. Nothing is sent and no network is needed: start a
server with that config, then 'crosswalk pull SYSTEM'. Runs until interrupted (Ctrl-C).`

export async function run(argv: string[]) {
  const { values } = parse(argv, { scale: { type: 'string' }, seed: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' }, 'serve-apis': { type: 'string' } })
  if (values['serve-apis'] !== undefined) {
    const port = intOption(values['serve-apis'], '--serve-apis', 0)
    if (port > 65535 - 5) throw new UsageError(`--serve-apis needs a port from 0 to 65530, got ${port}`)
    return serve(port, intOption(values.scale, '--scale', 1) || 1, intOption(values.seed, '--seed', DEMO_SEED))
  }
  const firm = generateFirm({ scale: intOption(values.scale, '--scale', 1) || 1, seed: intOption(values.seed, '--seed', DEMO_SEED) })
  const sent = await sendFirm(firm, remote(values), (line) => console.log(line))
  console.log(`demo firm loaded: ${sent.records} records in ${sent.batches} batches (as of ${firm.as_of})`)
}

async function serve(port: number, scale: number, seed: number) {
  const served = await serveApis({ port, scale, seed })
  console.log(`Demo firm (seed ${seed}, scale ${scale}) served through imitations of six APIs:\n`)
  for (const a of served.apis) console.log(`  ${a.type.padEnd(10)} ${a.url}  ${a.credentials}`)
  if (served.firm.losses.length) console.log(`\n(${served.firm.losses.length} values a vendor cannot hold exactly were rounded, e.g. ${served.firm.losses[0]})`)
  console.log(`\nConfig snippet for the server (these are the imitations' own demo credentials; a real\ntenant's secrets go in as \${ENV_VAR} references):\n`)
  console.log(configSnippet(served.apis))
  console.log(`\nThen: crosswalk serve --config FILE, and crosswalk pull salesforce (or any system above).\nServing until interrupted (Ctrl-C).`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await served.close()
}

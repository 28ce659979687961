import { generateFirm, DEMO_SEED } from '../demo/generate.ts'
import { sendFirm } from '../demo/send.ts'
import { intOption, parse } from '../../server/cli/args.ts'
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

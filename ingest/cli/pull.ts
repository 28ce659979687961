// `crosswalk pull SYSTEM [--full]`: asks the server to pull a source through its connector now
// (CONTRACT §8 "API"), then follows the run until it ends, showing pages, records and rejects.
import { IngestError } from '../collectors/client.ts'
import { UsageError, parse } from '../../server/cli/args.ts'
import { callApi } from './admin-api.ts'
import { remote } from './remote.ts'

export const HELP = `Usage: crosswalk pull SYSTEM [--full] [--server URL] [--token T] [--interval SECONDS]

Starts a pull of SYSTEM's connector on the server now (the source needs a \`connector\` in the
server's config) and shows its progress (pages, records accepted, records rejected) until the
run ends. A pull already running for SYSTEM is followed instead of starting another.

Options:
  --full            a full listing, sent as one snapshot: records missing from it are deleted
                    (default: incremental, from the saved cursor)
  --server URL      API address (env CROSSWALK_SERVER, default http://127.0.0.1:8787)
  --token T         admin token (env CROSSWALK_TOKEN)
  --interval S      seconds between progress checks (default 1)

Exit status: 0 when the run ends ok (it may have stopped early at the system's API budget, to
resume on the next run: said in words), 1 when it fails (the run's error in words), 2 for bad
arguments. Rejected records are in the dead-letter store with the field named.`

export interface RunAnswer {
  run_id: string
  mode: string
  status: 'running' | 'ok' | 'failed'
  started_at: string
  ended_at: string | null
  pages: number
  records: number
  rejected: number
  error: string | null
}

const n = (v: number) => v.toLocaleString('en-US')
const counts = (r: RunAnswer) => `${n(r.pages)} page${r.pages === 1 ? '' : 's'}, ${n(r.records)} records, ${n(r.rejected)} rejected`

export async function run(argv: string[]) {
  const { values, positionals } = parse(argv, { full: { type: 'boolean' }, server: { type: 'string' }, token: { type: 'string' }, interval: { type: 'string' } }, true)
  const [system, ...extra] = positionals
  if (!system) throw new UsageError('pull needs a SYSTEM (a source with a connector)')
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`)
  const interval = values.interval === undefined ? 1 : Number(values.interval)
  if (!Number.isFinite(interval) || interval < 0) throw new UsageError(`--interval must be a number of seconds, got '${values.interval}'`)
  const to = remote(values)
  const mode = values.full ? 'full' : 'incremental'
  const base = `/api/v1/sources/${encodeURIComponent(system)}`
  const { run_id } = (await callApi(to, 'POST', `${base}/pull?mode=${mode}`)) as { run_id: string }
  const out = process.stdout
  console.log(`pull of ${system} started (run ${run_id}, ${mode})`)
  let last = ''
  let misses = 0
  for (;;) {
    let r: RunAnswer
    try {
      r = (await callApi(to, 'GET', `${base}/runs/${encodeURIComponent(run_id)}`)) as RunAnswer
      misses = 0
    } catch (e) {
      // A server restarting or a blip on the network: the run goes on without us watching.
      if (!(e instanceof IngestError) || (e.status !== undefined && e.status < 500) || ++misses > 5) throw e
      await sleep(interval * 1000)
      continue
    }
    const line = counts(r)
    if (r.status === 'running') {
      if (line !== last) {
        if (out.isTTY) out.write(`\r  ${line}   `)
        else console.log(`  ${line}`)
        last = line
      }
      await sleep(interval * 1000)
      continue
    }
    if (out.isTTY && last) out.write('\n')
    const secs = r.ended_at ? ((Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000).toFixed(1) : '?'
    if (r.status === 'failed') {
      console.log(`pull of ${system} failed after ${secs} s: ${line}`)
      throw new IngestError(`pull of ${system} failed: ${r.error ?? 'the server gave no reason'}`)
    }
    console.log(`pull of ${system} ok in ${secs} s: ${line}`)
    if (r.error) console.log(`  note: ${r.error}`)
    if (r.rejected > 0) console.log(`Rejected records are in the dead-letter store: GET /api/v1/dead-letters?system=${system}`)
    return
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

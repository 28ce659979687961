// `crosswalk migrate --print`: the schema DDL for a DBA who applies it by hand (serve applies it
// at start), so the reviewed DDL is the very text serve would run.
import { loadMigrations } from '../db/migrate.ts'
import { env, parse } from './args.ts'

export const HELP = `Usage: crosswalk migrate --print [--cluster NAME]

Prints the schema DDL, in order; with --cluster (or CROSSWALK_CLUSTER) as replicated DDL with
ON CLUSTER, for a DBA to review or apply. 'crosswalk serve' applies migrations itself at start.`

export async function run(argv: string[]) {
  const { values } = parse(argv, { print: { type: 'boolean' }, cluster: { type: 'string' } })
  const cluster = values.cluster ?? env('CROSSWALK_CLUSTER')
  for (const m of loadMigrations(cluster)) {
    console.log(`-- ${String(m.version).padStart(4, '0')}_${m.name}`)
    for (const s of m.statements) console.log(`${s};\n`)
  }
}

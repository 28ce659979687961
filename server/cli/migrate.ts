// `crosswalk migrate --print`: the schema DDL for a DBA who applies it by hand (serve applies it
// at start), so the reviewed DDL is the very text serve would run.
import { printableDdl } from '../db/migrate.ts'
import { env, parse } from './args.ts'

export const HELP = `Usage: crosswalk migrate --print [--cluster NAME]

Prints the schema DDL, in order, each migration followed by its row in the schema_migrations
ledger; with --cluster (or CROSSWALK_CLUSTER) as replicated DDL with ON CLUSTER, for a cluster
of one shard with a replica per node (docs/deploy.md). For a DBA to review or apply: 'crosswalk
serve' applies migrations itself at start, and skips those the ledger lists.`

export async function run(argv: string[]) {
  const { values } = parse(argv, { print: { type: 'boolean' }, cluster: { type: 'string' } })
  const cluster = values.cluster ?? env('CROSSWALK_CLUSTER')
  for (const part of printableDdl(cluster)) {
    console.log(`-- ${part.title}`)
    for (const s of part.statements) console.log(`${s};\n`)
  }
}

// Numbered migrations in sql/migrations, applied in order at start and recorded in
// schema_migrations. Statements are idempotent (IF NOT EXISTS), so a half-applied migration
// is safe to run again. With a cluster name the same files become replicated DDL.
import crypto from 'node:crypto'
import type { Db } from './client.ts'
import { command, queryRows } from './query.ts'
import { splitStatements, sqlFile, sqlFiles } from './sql-files.ts'

export interface Migration {
  version: number
  name: string
  statements: string[]
  checksum: string
}

export function loadMigrations(cluster?: string): Migration[] {
  return sqlFiles('migrations').map((file) => {
    const m = /^(\d+)_(.+)\.sql$/.exec(file)
    if (!m) throw new Error(`Migration file ${file} must be named NNNN_name.sql`)
    // The checksum is of the text as run, directives expanded: a file rewritten with directives
    // whose expansion is unchanged keeps the checksum its database recorded.
    const text = sqlFile(`migrations/${file}`)
    return {
      version: Number(m[1]),
      name: m[2],
      statements: splitStatements(text).map((s) => (cluster ? toClusterDdl(s, cluster) : s)),
      checksum: crypto.createHash('sha256').update(text).digest('hex'),
    }
  })
}

/**
 * Rewrites single-node DDL for a ClickHouse cluster of one shard with a replica per node
 * (docs/deploy.md): `ON CLUSTER` on every CREATE/ALTER, Replicated* engines keyed by the
 * standard {shard}/{replica} macros, and insert deduplication kept in Keeper rather than per
 * replica (the detection lease and the span log rely on it). Every replica then holds every row,
 * so no query needs a Distributed table.
 */
export function toClusterDdl(statement: string, cluster: string): string {
  const onCluster = `ON CLUSTER '${cluster.replace(/'/g, '')}'`
  return statement
    .replace(/^(CREATE\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\s+IF\s+NOT\s+EXISTS\s+\S+|CREATE\s+OR\s+REPLACE\s+VIEW\s+\S+)/im, `$1 ${onCluster}`)
    .replace(/^(ALTER\s+TABLE\s+\S+)/im, `$1 ${onCluster}`)
    .replace(/ENGINE\s*=\s*(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing)?MergeTree(?:\(([^)]*)\))?/i, (_m, kind = '', args = '') => {
      const zk = `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`
      return `ENGINE = Replicated${kind}MergeTree(${zk}${args ? `, ${args}` : ''})`
    })
    .replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window')
}

/**
 * What `crosswalk migrate --print` prints: the ledger, then each migration's statements and the
 * ledger row `serve` would record for it, so a schema applied by hand is one `serve` takes as done.
 */
export function printableDdl(cluster?: string): Array<{ title: string; statements: string[] }> {
  const [ledger] = splitStatements(sqlFile('db/ledger.sql'))
  const out = [{ title: 'schema_migrations (the ledger)', statements: [cluster ? toClusterDdl(ledger, cluster) : ledger] }]
  const text = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  for (const m of loadMigrations(cluster))
    out.push({
      title: `${String(m.version).padStart(4, '0')}_${m.name}`,
      statements: [...m.statements, `INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, ${text(m.name)}, ${text(m.checksum)})`],
    })
  return out
}

export async function migrate(db: Db, cluster?: string, log: (s: string) => void = () => {}): Promise<number> {
  const ledger = sqlFile('db/ledger.sql')
  await command(db, 'migrate.ledger', cluster ? toClusterDdl(ledger, cluster) : ledger)
  const done = new Map(
    (await queryRows<{ version: number; checksum: string }>(db, 'migrate.list', sqlFile('db/ledger_applied.sql'))).map(
      (r) => [Number(r.version), r.checksum],
    ),
  )
  let applied = 0
  for (const m of loadMigrations(cluster)) {
    if (done.has(m.version)) {
      if (done.get(m.version) !== m.checksum && !cluster)
        log(`warning: migration ${m.version}_${m.name} changed after it was applied; add a new migration instead`)
      continue
    }
    for (const s of m.statements) await command(db, `migrate.${m.version}`, s)
    await db.client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
    })
    applied++
    log(`applied migration ${m.version}_${m.name}`)
  }
  return applied
}

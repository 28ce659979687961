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
 * Rewrites single-node DDL for a ClickHouse cluster: `ON CLUSTER` on every CREATE/ALTER and
 * Replicated* engines keyed by the standard {shard}/{replica} macros.
 */
export function toClusterDdl(statement: string, cluster: string): string {
  const onCluster = `ON CLUSTER '${cluster.replace(/'/g, '')}'`
  return statement
    .replace(/^(CREATE\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\s+IF\s+NOT\s+EXISTS\s+\S+|CREATE\s+OR\s+REPLACE\s+VIEW\s+\S+)/im, `$1 ${onCluster}`)
    .replace(/^(ALTER\s+TABLE\s+\S+)/im, `$1 ${onCluster}`)
    .replace(/ENGINE\s*=\s*(Replacing|Summing|Aggregating)?MergeTree(?:\(([^)]*)\))?/i, (_m, kind = '', args = '') => {
      const zk = `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`
      return `ENGINE = Replicated${kind}MergeTree(${zk}${args ? `, ${args}` : ''})`
    })
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

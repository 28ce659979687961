// `crosswalk migrate --print --cluster NAME`: the schema for a ClickHouse cluster of one shard
// with a replica per node (docs/deploy.md), checked statement by statement against the
// single-node schema: every table Replicated with its engine's own arguments kept, every CREATE
// and ALTER ON CLUSTER, deduplication kept in Keeper, and a ledger row per migration. No
// Distributed table is needed: every table any query names is one of these (a full copy on each
// replica); a table some query read but no migration made would be local to one node, and fails here.
// Cluster DDL cannot run here (chDB has no Keeper nor remote servers): the text is what is checked.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations } from '../server/db/migrate.ts'
import { SQL_DIR, sqlFile } from '../server/db/sql-files.ts'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const CLUSTER = "prod's" // a quote in the name must not break the DDL

function print(...args: string[]): Array<{ title: string; statements: string[] }> {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'server/cli/crosswalk.mjs'), 'migrate', '--print', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CROSSWALK_CLUSTER: '', NODE_OPTIONS: '' },
  })
  expect(r.status, r.stderr).toBe(0)
  // Sections start with `-- title`; statements end with `;` and a blank line.
  return r.stdout
    .split(/^-- /m)
    .filter(Boolean)
    .map((part) => {
      const nl = part.indexOf('\n')
      return { title: part.slice(0, nl), statements: part.slice(nl + 1).split(/;\n\n/).map((s) => s.trim()).filter(Boolean) }
    })
}

const created = (s: string) => /^CREATE\s+(TABLE|VIEW|OR\s+REPLACE\s+VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)/i.exec(s)
const engineOf = (s: string) => /ENGINE\s*=\s*(\w+)(?:\(([^)]*)\))?/i.exec(s)

describe('crosswalk migrate --print --cluster', () => {
  const single = print()
  const cluster = print('--cluster', CLUSTER)
  const all = cluster.flatMap((p) => p.statements)

  it('has the single-node schema statement for statement, each migration followed by its ledger row', () => {
    expect(cluster.map((p) => p.title)).toEqual(single.map((p) => p.title))
    expect(cluster.map((p) => p.statements.length)).toEqual(single.map((p) => p.statements.length))
    expect(cluster[0].title).toMatch(/schema_migrations/)
    const migrations = loadMigrations()
    expect(cluster.slice(1).map((p) => p.title)).toEqual(migrations.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`))
    for (const [i, m] of migrations.entries())
      expect(cluster[i + 1].statements.at(-1)).toBe(`INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, '${m.name}', '${m.checksum}')`)
  })

  it('makes every table Replicated, keeping its engine and arguments, ON CLUSTER', () => {
    const tables: string[] = []
    for (const [i, part] of cluster.entries())
      for (const [j, s] of part.statements.entries()) {
        const c = created(s)
        if (!c || !/TABLE/i.test(c[1])) continue
        tables.push(c[2])
        const before = engineOf(single[i].statements[j])!
        const after = engineOf(s)!
        expect(s, c[2]).toMatch(new RegExp(`^CREATE TABLE IF NOT EXISTS ${c[2]} ON CLUSTER 'prods'\\s`))
        expect(after[1], c[2]).toBe(`Replicated${before[1]}`)
        const zk = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'"
        expect(after[2], c[2]).toBe(before[2] ? `${zk}, ${before[2]}` : zk)
      }
    // Every table of the single-node schema, the ledger among them.
    expect(tables).toEqual(single.flatMap((p) => p.statements).map(created).filter((c) => c && /TABLE/i.test(c[1])).map((c) => c![2]))
    expect(tables).toContain('schema_migrations')
    expect(tables.length).toBeGreaterThan(30)
  })

  it('runs every view and ALTER ON CLUSTER, and keeps insert deduplication in Keeper', () => {
    for (const s of all) {
      if (s.startsWith('INSERT INTO schema_migrations')) continue
      expect(s, s.slice(0, 80)).toMatch(/^(CREATE (TABLE|VIEW) IF NOT EXISTS \w+|CREATE OR REPLACE VIEW \w+|ALTER TABLE \w+) ON CLUSTER 'prods'\s/)
      // Replicated tables deduplicate by replicated_deduplication_window; the other is ignored.
      expect(s).not.toMatch(/non_replicated_deduplication_window/)
    }
    expect(all.filter((s) => /replicated_deduplication_window = \d+/.test(s)).length).toBe(single.flatMap((p) => p.statements).filter((s) => /non_replicated_deduplication_window/.test(s)).length)
    for (const s of all) if (engineOf(s)) expect(engineOf(s)![1]).toMatch(/^Replicated\w*MergeTree$/)
  })

  it('leaves no query a table that is not on every replica: none needs a Distributed table', () => {
    const onEveryReplica = new Set(all.map(created).filter(Boolean).map((c) => c![2]))
    const files: string[] = []
    const walk = (dir: string) => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const rel = path.relative(SQL_DIR, path.join(dir, f.name))
        // Migrations are the schema; parts/ are included by the files that use them (checked there).
        if (f.isDirectory()) (f.name !== 'migrations' && f.name !== 'parts' ? walk(path.join(dir, f.name)) : undefined)
        else if (f.name.endsWith('.sql')) files.push(rel)
      }
    }
    walk(SQL_DIR)
    expect(files.length).toBeGreaterThan(50)
    const named = new Map<string, string>()
    for (const rel of files) {
      const text = sqlFile(rel).replace(/--.*$/gm, '').replace(/'(?:[^'\\]|\\.)*'/g, "''")
      const ctes = new Set([...text.matchAll(/\b([A-Za-z_]\w*)\s+AS\s*\(/g)].map((m) => m[1]))
      for (const m of text.matchAll(/\b(?:FROM|JOIN|INTO|TABLE)\s+(?!IF\b)([A-Za-z_][\w.]*)(\s*\()?/gi))
        if (!m[2] && !ctes.has(m[1])) named.set(m[1], rel)
    }
    const elsewhere = [...named].filter(([t]) => !onEveryReplica.has(t) && !t.startsWith('system.'))
    // system.* tables are each node's own (memory, parts): read from whichever replica answers.
    expect(elsewhere).toEqual([])
    expect(named.size).toBeGreaterThan(25)
  })
})

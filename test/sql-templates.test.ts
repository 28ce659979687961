// SQL files written with directives (sql/README.md "Directives") expand at load time. Shipped
// migrations among them must expand to exactly the text their databases recorded a checksum of,
// or every existing database would warn that its history changed.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations } from '../server/db/migrate.ts'
import { SQL_DIR, expandSql, rawSqlFile, splitStatements, sqlFile, sqlFiles } from '../server/db/sql-files.ts'
import { COMMON, ENTITY_NAMES, ENTITY_SPECS } from '../server/model/spec.ts'
import { SHIPPED_CHECKSUMS } from './helpers/shipped-migrations.ts'

const SHIPPED = SHIPPED_CHECKSUMS
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex')

function allSqlFiles(dir = SQL_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return allSqlFiles(p)
    return e.name.endsWith('.sql') ? [path.relative(SQL_DIR, p)] : []
  })
}

describe('shipped migrations written with directives', () => {
  it.each(Object.entries(SHIPPED))('%s expands to the text its databases recorded', (file, checksum) => {
    expect(rawSqlFile(`migrations/${file}`)).toContain('-- @')
    expect(sha256(sqlFile(`migrations/${file}`))).toBe(checksum)
  })

  it('the ledger checksums migrate() compares are those recorded', () => {
    const byFile = new Map(loadMigrations().map((m) => [`${String(m.version).padStart(4, '0')}_${m.name}.sql`, m.checksum]))
    for (const [file, checksum] of Object.entries(SHIPPED)) expect(byFile.get(file)).toBe(checksum)
  })

  it('every migration with a directive has its checksum pinned here', () => {
    const templated = sqlFiles('migrations').filter((f) => rawSqlFile(`migrations/${f}`) !== sqlFile(`migrations/${f}`))
    expect(templated.sort()).toEqual(Object.keys(SHIPPED).sort())
  })

  it('0003 and 0015 have one current view per entity, its columns those of the spec', () => {
    const views = [...splitStatements(sqlFile('migrations/0003_current_views.sql')), ...splitStatements(sqlFile('migrations/0015_fx_rates.sql')).slice(1)]
    expect(views.map((v) => /^CREATE VIEW IF NOT EXISTS (\w+)/.exec(v)?.[1])).toEqual(ENTITY_NAMES.map((e) => `cur_${e}`))
    for (const [i, e] of ENTITY_NAMES.entries()) {
      const columns = /\nSELECT\n([\s\S]*?)\nFROM entity_/.exec(views[i])![1].split(',\n').map((c) => c.trim())
      const own = ENTITY_SPECS[e].map((f) => f.name)
      expect(columns).toEqual(['key', 'system', ...COMMON.filter((f) => f.name !== 'key' && f.name !== 'deleted').map((f) => f.name), ...own, 'extra', 'observed_at'])
    }
  })
})

describe('entity counts', () => {
  const tablesOf = (sql: string) => [...sql.matchAll(/FROM (entity_\w+|now_time_entry)/g)].map((m) => m[1])

  it('count every entity of the spec from its table', () => {
    const sql = sqlFile('sources/entity_counts.sql')
    expect(tablesOf(sql)).toEqual(ENTITY_NAMES.map((e) => `entity_${e}`))
    expect(sql.match(/UNION ALL/g)).toHaveLength(ENTITY_NAMES.length - 1)
    for (const e of ENTITY_NAMES) expect(sql).toContain(`'${e}' AS entity`)
  })

  it('the derived variant counts time entries from now_time_entry and the rest as history does', () => {
    const sql = sqlFile('sources/entity_counts.derived.sql')
    expect(tablesOf(sql).sort()).toEqual([...ENTITY_NAMES.filter((e) => e !== 'time_entry').map((e) => `entity_${e}`), 'now_time_entry'].sort())
    for (const e of ENTITY_NAMES) expect(sql).toContain(`'${e}' AS entity`)
  })
})

describe('directives', () => {
  it('leave no directive or entity placeholder in any file a query loads', () => {
    // Files under parts/ are pieces included by others; their placeholders are filled there.
    const files = allSqlFiles().filter((f) => !f.split(path.sep).includes('parts'))
    expect(files.length).toBeGreaterThan(50)
    for (const f of files) {
      const text = sqlFile(f)
      expect(text, f).not.toMatch(/^\s*-- @/m)
      expect(text, f).not.toMatch(/\{\{(entity|field)\}\}/)
    }
  })

  it('keep every {{placeholder}} out of comments, where filling it would break the query', () => {
    for (const f of allSqlFiles()) expect(rawSqlFile(f), f).not.toMatch(/^\s*--.*\{\{/m)
  })

  it('repeat a block per entity, with a separator between copies', () => {
    const text = ['a', '-- @each entity only project invoice', 'x {{entity}}', '-- @between', '+', '-- @end', 'b'].join('\n')
    expect(expandSql('t.sql', text)).toBe('a\nx project\n+\nx invoice\nb')
  })

  it('repeat a block per own field of the enclosing entity, less those excepted', () => {
    const text = ['-- @each entity only rate_card', '-- @each field except role currency', '{{entity}}.{{field}}', '-- @end', '-- @end'].join('\n')
    expect(expandSql('t.sql', text).split('\n')).toEqual(
      ENTITY_SPECS.rate_card.map((f) => f.name).filter((n) => n !== 'role' && n !== 'currency').map((n) => `rate_card.${n}`),
    )
  })

  it('include a file without its header, filling the enclosing entity', () => {
    const text = ['-- @each entity only expense', '-- @include sources/parts/entity_count.sql', '-- @end'].join('\n')
    const out = expandSql('t.sql', text)
    expect(out).not.toMatch(/^--/m)
    expect(out).toContain("'expense' AS entity")
    expect(out).toContain('FROM entity_expense')
  })

  it('refuse what they do not know', () => {
    expect(() => expandSql('t.sql', '-- @each entity only nonesuch\n-- @end')).toThrow(/no entity nonesuch/)
    expect(() => expandSql('t.sql', '-- @each field\n-- @end')).toThrow(/outside an @each entity/)
    expect(() => expandSql('t.sql', '-- @each entity\nx')).toThrow(/without @end/)
    expect(() => expandSql('t.sql', '-- @repeat 3')).toThrow(/unknown sql directive/)
    expect(() => expandSql('t.sql', '-- @include ../package.json')).toThrow(/not a file under sql/)
    expect(() => expandSql('sources/entity_counts.sql', '-- @include sources/entity_counts.sql')).toThrow(/cycle/)
  })
})

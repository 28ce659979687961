// Computes every answer the derived tables can give both ways, from them and from history, so a
// test can require the two to be identical to the last digit.
import type { Db } from '../../server/db/client.ts'
import type { Config } from '../../server/config/schema.ts'
import { command, queryRows } from '../../server/db/query.ts'
import { computeKpi } from '../../server/kpis/compute.ts'
import { KPIS, KPI_NAMES } from '../../server/kpis/catalog.ts'
import { runRule } from '../../server/rules/run-rule.ts'
import { RULE_NAMES } from '../../server/rules/catalog.ts'
import { COMPARISONS } from '../../server/reconciliation/catalog.ts'
import { summarize } from '../../server/reconciliation/query.ts'
import { stringify } from '../../server/lib/json.ts'
import { toChDateTime } from '../../server/lib/time.ts'
import { derivedFile, sqlAsOf } from '../../server/derived/index.ts'
import PQueue from 'p-queue'

export interface Difference {
  what: string
  history: string
  derived: string
}

/** Every KPI × by, every rule's findings and every reconciliation summary as of `asOf`, both ways. */
export async function differences(db: Db, config: Config, asOf: Date, period: { from: string; to: string }): Promise<Difference[]> {
  const out: Difference[] = []
  // A few comparisons at a time: most are small queries whose time is parse and plan, so the
  // engine's threads are otherwise idle. Each difference is listed under its name, in any order.
  const queue = new PQueue({ concurrency: 4 })
  const tasks: Array<Promise<void>> = []
  const both = (what: string, run: (history: boolean) => Promise<unknown>) =>
    tasks.push(queue.add(async () => {
      const [h, d] = await Promise.all([run(true), run(false)]).then((xs) => xs.map((x) => stringify(x)))
      if (h !== d) out.push({ what, history: h, derived: d })
    }))
  for (const name of KPI_NAMES)
    for (const by of [undefined, ...KPIS[name].dims])
      both(`kpi ${name} by ${by ?? '-'}`, (history) => computeKpi(db, name, { ...period, asOf, by, history }))
  const at = toChDateTime(asOf)
  for (const rule of RULE_NAMES) {
    if (rule === 'transaction_failed') continue
    both(`rule ${rule}`, async (history) =>
      (await runRule(db, config, rule, at, { history })).sort((a, b) => (a.entity_key < b.entity_key ? -1 : a.entity_key > b.entity_key ? 1 : 0)),
    )
  }
  both('sources entity_counts', async (history) => queryRows(db, 'test.entity_counts', await sqlAsOf(db, 'sources/entity_counts', at, { history }), { as_of: at }))
  for (const c of COMPARISONS)
    for (const by of ['', 'period', 'practice', 'project'] as const)
      both(`reconciliation ${c.pair}.${c.entity} by ${by || '-'}`, (history) => summarize(db, c, { asOf, ...period, history }, by))
  await Promise.all(tasks)
  return out.sort((a, b) => (a.what < b.what ? -1 : 1))
}

/** Which reads as of `asOf` would use the derived tables: one facts read and one current read. */
export async function derivedPaths(db: Db, asOf: Date) {
  return {
    facts: (await derivedFile(db, 'kpis/utilization', asOf)) !== null,
    now: (await derivedFile(db, 'rules/time_entry_missing_in_erp', asOf)) !== null,
  }
}

/** Empties every table (not the migrations ledger), so one engine can hold one firm after another. */
export async function emptyDatabase(db: Db): Promise<void> {
  const tables = await queryRows<{ name: string }>(
    db,
    'test.tables',
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name != 'schema_migrations'",
  )
  for (const t of tables) await command(db, 'test.truncate', 'TRUNCATE TABLE {t:Identifier}', { t: t.name })
}

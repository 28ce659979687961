// Computes a KPI from its SQL file (sql/kpis/<name>.sql): the total, the breakdown by a
// dimension, and coverage. Numerators and denominators stay exact decimals; the value is their
// quotient (or the file's own median).
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlAsOf, type PathOptions } from '../derived/index.ts'
import { toChDateTime } from '../lib/time.ts'
import { dec } from '../lib/json.ts'
import { KPIS, type KpiDef, type KpiName } from './catalog.ts'

export interface KpiQuery extends PathOptions {
  from: string // YYYY-MM-DD
  to: string
  asOf: Date
  by?: string
  /** The reporting currency money is converted to (config `reporting_currency`); default USD. */
  reporting?: string
}

interface Row {
  grp: string
  numerator: string | null
  denominator: string | null
  cov_num: string | null
  cov_den: string | null
  /** Money KPIs: records behind the number that converted to the reporting currency, of all (counted). */
  fx_num?: string | null
  fx_den?: string | null
  value?: number | null
  p90?: number | null
  n?: string
  median_low?: number | null
  median_high?: number | null
}

function valueOf(name: KpiName, r: Row | undefined): number | null {
  if (!r) return KPIS[name].kind === 'sum' ? 0 : null
  if (KPIS[name].kind === 'median') return r.value === null || Number(r.n) === 0 ? null : Number(r.value)
  if (KPIS[name].kind === 'sum') return Number(r.numerator ?? 0)
  const den = Number(r.denominator ?? 0)
  if (den === 0) return null
  return KPIS[name].kind === 'accuracy' ? 1 - Number(r.numerator ?? 0) / den : Number(r.numerator ?? 0) / den
}

async function rows(db: Db, name: KpiName, q: KpiQuery, by: string): Promise<Row[]> {
  const asOf = toChDateTime(q.asOf)
  return queryRows<Row>(
    db,
    `kpis.${name}`,
    await sqlAsOf(db, `kpis/${name}`, asOf, q),
    { as_of: asOf, from: q.from, to: q.to, by, reporting: q.reporting ?? 'USD' },
    { join_use_nulls: 1 },
  )
}

function exactValue(name: KpiName, r: Row | undefined) {
  const v = valueOf(name, r)
  // A sum's value is its numerator: keep the exact decimal text.
  return KPIS[name].kind === 'sum' ? (dec(r?.numerator ?? '0') ?? 0) : v
}

export async function computeKpi(db: Db, name: KpiName, q: KpiQuery) {
  const def = KPIS[name]
  const [total] = await rows(db, name, q, '')
  const groups = q.by ? await rows(db, name, q, q.by) : []
  const covDen = Number(total?.cov_den ?? 0)
  const answer: Record<string, unknown> = {
    kpi: name,
    unit: def.unit,
    value: exactValue(name, total),
    numerator: def.kind === 'median' ? null : dec(total?.numerator ?? (def.kind === 'sum' ? '0' : null)),
    denominator: dec(total?.denominator ?? null),
    rows: orderRows(name, q.by, groups).map((r) => ({
      group: r.grp,
      value: exactValue(name, r),
      numerator: def.kind === 'median' ? null : dec(r.numerator),
      denominator: dec(r.denominator),
      ...(def.kind === 'median' ? { n: Number(r.n ?? 0), p90: r.p90 ?? null } : {}),
    })),
    coverage: covDen === 0 ? 1 : Number(total!.cov_num ?? 0) / covDen,
    currency: q.reporting ?? 'USD',
    ...((def as KpiDef).money ? { fx_coverage: fxCoverage(total) } : {}),
    from: def.period ? q.from : null,
    to: def.period ? q.to : null,
    as_of: q.asOf.toISOString(),
    by: q.by ?? null,
  }
  if (def.kind === 'median') {
    answer.n = Number(total?.n ?? 0)
    answer.p90 = total?.p90 ?? null
    answer.median_low = total?.median_low ?? null
    answer.median_high = total?.median_high ?? null
  }
  return answer
}

/** The share of the records behind a money KPI that converted; 1 with none. */
function fxCoverage(r: Row | undefined): number {
  const den = Number(r?.fx_den ?? 0)
  return den === 0 ? 1 : Number(r?.fx_num ?? 0) / den
}

const AGE_BUCKETS = ['0-30', '31-60', '61-90', '91+']

/** Age buckets always come in order and all four, zero when empty. */
function orderRows(name: KpiName, by: string | undefined, groups: Row[]): Row[] {
  if (name !== 'unbilled_wip' || by !== 'age') return groups
  return AGE_BUCKETS.map(
    (b) => groups.find((g) => g.grp === b) ?? { grp: b, numerator: '0', denominator: null, cov_num: '0', cov_den: '0' },
  )
}

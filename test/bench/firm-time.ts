// Time entries and expenses of the bench firm, generated in the engine from numbers(): PSA
// batches every Sunday night (an entry still awaiting approval is sent again, approved, the next
// week), then the ERP's copies, synced every Monday morning from the approved PSA rows.
// Every value derives from the entry's number and the seed (cityHash64), never rand().
import type { Db } from '../../server/db/client.ts'
import { DAY, chTime, pad, ymd, type DaySlot, type Plan } from './firm-plan.ts'
import type { Batches, OpenBatch } from './firm-batches.ts'

/** Rows per INSERT: batches are grouped up to this many, so that the engine's memory stays modest. */
const CHUNK = 1_500_000
export const ts = (ms: number): string => `toDateTime64('${chTime(ms)}', 3, 'UTC')`
export const ts6 = (text: string): string => `toDateTime64('${text}', 6, 'UTC')`
export const teKey = (n: number): string => `'TE-${pad(n, 9)}'`
export const exKey = (n: number): string => `'EX-${pad(n, 8)}'`

const ARRAYS = ['p_role', 'p_pract', 'p_silent', 'a_prj', 'a_s', 'a_e', 'r_bill', 'r_split', 'r_base', 'r_inc', 'r_acc', 'p_dev']
  .map((c) => `(SELECT ${c} FROM _firm_arrays) AS ${c.toUpperCase()}`).join(',\n')

/**
 * A plant is a range of one hash of the entry's number (out of 100,000); each constant is the
 * upper bound of its range, the lower one the constant before it: missing in the ERP (0.1 %),
 * hours differing in the ERP (0.05 %), within tolerance, keyed wrong and corrected in the final
 * delta, deleted in the ERP, duplicated in the ERP, left off its invoice. Disjoint ranges.
 */
export const PLANT = { missing: 100, mismatch: 150, nearMiss: 160, fixed: 200, deleted: 230, stray: 250, dropped: 255 }
export const plantHash = (seed: number, key = 'key'): string => `cityHash64(${seed}, 'plant', toUInt64(substring(${key}, 4, 9))) % 100000`

export async function run(db: Db, query: string): Promise<void> {
  await db.client.command({ query, clickhouse_settings: { max_threads: 2, max_insert_threads: '2' } })
}

/** Groups items into runs of about CHUNK rows. */
function chunked<T>(items: T[], rows: (t: T) => number): T[][] {
  const out: T[][] = [[]]
  let n = 0
  for (const it of items) {
    if (n >= CHUNK) { out.push([]); n = 0 }
    out[out.length - 1].push(it)
    n += rows(it)
  }
  return out.filter((c) => c.length)
}

/**
 * The numbers of PSA batches [b0, b1] (each batch's own weekdays, and again those of the batch
 * before, for second versions) with their day, employed range and batch constants, looked up
 * from small literal arrays: a bucket of numbers gives the day slot, to within one.
 */
function genRows(slots: DaySlot[], perBatch: DaySlot[][], obs: number[], batches: OpenBatch[], b0: number, b1: number): string {
  const used = slots.filter((s) => s.cnt > 0)
  const step = Math.max(1, Math.floor(Math.min(...used.map((s) => s.cnt)) / 2))
  const total = used[used.length - 1].off + used[used.length - 1].cnt
  const bucket: number[] = []
  for (let i = 0, k = 0; k * step < total; k++) {
    while (i + 1 < used.length && used[i + 1].off <= k * step) i++
    bucket.push(i)
  }
  const batchOf = new Map(perBatch.flatMap((ss, b) => ss.map((s) => [s.day, b] as const)))
  const first = perBatch.map((ss) => ss[0]?.off ?? 0)
  const count = perBatch.map((ss) => ss.reduce((n, s) => n + s.cnt, 0))
  const range = (from: number, to: number) => {
    const lo = first[Math.max(0, from)]
    const hi = first[to] + count[to]
    return from < 0 || hi <= lo ? null : [lo, hi - lo]
  }
  const v1 = range(b0, b1)
  const v2 = b0 > 0 || b1 > 0 ? range(Math.max(b0 - 1, 0), b1 - 1) : null
  const arr = (xs: (number | string)[]) => `[${xs.join(',')}]`
  return `SELECT n, again, ${arr(bucket)} AS BUCKET, ${arr([...used.map((s) => s.off), total])} AS OFF,
      BUCKET[intDiv(n, ${step}) + 1] AS i0, if(n >= OFF[i0 + 2], i0 + 1, i0) AS slot,
      ${arr(used.map((s) => s.day))}[slot + 1] AS dn, toDate('1970-01-01') + dn AS work_date,
      ${arr(used.map((s) => s.a))}[slot + 1] AS pa, ${arr(used.map((s) => s.e))}[slot + 1] AS pe, OFF[slot + 1] AS off,
      ${arr(used.map((s) => batchOf.get(s.day)!))}[slot + 1] + again AS bt,
      ${arr(obs.map((o) => ts(o)))}[bt + 1] AS obs, ${arr([ts(0), ...obs.map((o) => ts(o))])}[bt + 1] AS prev,
      ${arr(batches.map((b) => `'${b.uid}'`))}[bt + 1] AS uid, ${arr(batches.map((b) => ts6(b.receivedAt)))}[bt + 1] AS recv,
      if(again, ${arr(count)}[bt + 1] - ${arr([0, ...first])}[bt + 1], -${arr(first)}[bt + 1]) AS lb
    FROM (${[v1 && `SELECT number AS n, toUInt8(0) AS again FROM numbers(${v1[0]}, ${v1[1]})`, v2 && `SELECT number AS n, toUInt8(1) AS again FROM numbers(${v2[0]}, ${v2[1]})`]
      .filter(Boolean).join(' UNION ALL ')})`
}

/** The assignment a person's row goes to on day dn: the anchor (k 0), the stint of the day (1-3), or none (-1). */
const PICK = (seed: number, person: string, internal: string) => `
  A_S[4 * ${person} + 1] <= dn AND dn <= A_E[4 * ${person} + 1] AS on0,
  multiIf(A_S[4 * ${person} + 2] <= dn AND dn <= A_E[4 * ${person} + 2], 1, A_S[4 * ${person} + 3] <= dn AND dn <= A_E[4 * ${person} + 3], 2,
          A_S[4 * ${person} + 4] <= dn AND dn <= A_E[4 * ${person} + 4] AND (P_SILENT[${person} + 1] = 0 OR dn < P_SILENT[${person} + 1]), 3, 0) AS stint,
  multiIf(${internal}, -1, on0 AND (stint = 0 OR intDiv(cityHash64(${seed}, 'pick', n), 3) % 2 = 0), 0, stint > 0, stint, on0, 0, -1) AS k`

/** Time entries of PSA batches: hours in tenths, distinct within a person's day (so never duplicates). */
function timeSelect(plan: Plan, rows: string): string {
  const { seed, timeOff } = plan
  return `INSERT INTO entity_time_entry (system, kind, key, native_id, deleted, resource_key, project_key, work_date, hours, billable, status,
      bill_rate, currency, approved_at, extra, observed_at, received_at, line, batch_uid)
    SELECT 'kantata', 'psa', 'TE-' || leftPad(toString(n), 9, '0'), 'KT' || toString(n), false, 'E' || leftPad(toString(p), 6, '0'),
      'PRJ-' || leftPad(toString(prj), 5, '0'), work_date, hours, billable, status, rate, if(billable, 'USD', NULL),
      if(status = 'approved', approve_at, NULL), '', obs, recv, toUInt32(lb + n + 1), uid
    FROM (
      WITH ${ARRAYS}
      SELECT *, n - off AS j, pa + j % pe AS p, intDiv(j, pe) AS s, cityHash64(${seed}, n) AS h, cityHash64(${seed}, p, dn) AS hp,
        hp % 100 < 4 AS pto, P_ROLE[p + 1] AS role,
        ${PICK(seed, 'p', `pto OR h % 100 < [35, 25, 12, 8, 6, 6][role + 1]`)},
        if(k < 0, if(pto, ${timeOff}, P_DEV[P_PRACT[p + 1] + 1]), A_PRJ[4 * p + k + 1]) AS prj,
        R_BILL[prj + 1] != 2 AS billable,
        if(billable, toDecimal64(if(dn >= R_SPLIT[prj + 1], R_INC[prj * 6 + role + 1], R_BASE[prj * 6 + role + 1]), 2), NULL) AS rate,
        toDecimal64(2 + (s * 5 + intDiv(hp, 100)) % 14, 1) / 10 AS hours,
        intDiv(h, 10000) % 100 AS lq,
        toDateTime64(work_date, 3, 'UTC') + toIntervalSecond(multiIf(lq < 35, 1, lq < 65, 2, lq < 85, 3, 4) * 86400 + 28800 + intDiv(h, 1000000) % 39600) AS approve_at,
        intDiv(h, 100000000) % 1000 < 3 AS rejected,
        multiIf(approve_at <= obs, if(rejected, 'rejected', 'approved'),
                work_date >= toDate(obs) - 3 AND intDiv(h, 7) % 2 = 0, 'draft', 'submitted') AS status
      FROM (${rows})
    )
    WHERE NOT again OR (approve_at > prev AND approve_at <= obs)`
}

/** Expenses: one a few weeks per person, approved four and a half days after the expense date. */
function expenseSelect(plan: Plan, rows: string): string {
  const { seed } = plan
  return `INSERT INTO entity_expense (system, kind, key, native_id, deleted, resource_key, project_key, expense_date, amount, currency,
      billable, status, extra, observed_at, received_at, line, batch_uid)
    SELECT 'kantata', 'psa', 'EX-' || leftPad(toString(n), 8, '0'), 'KX-' || toString(n), false, 'E' || leftPad(toString(p), 6, '0'),
      'PRJ-' || leftPad(toString(prj), 5, '0'), work_date, amount, 'USD', billable, status, '', obs, recv, toUInt32(lb + n + 1), uid
    FROM (
      WITH ${ARRAYS}
      SELECT *, cityHash64(${seed}, 'x', n) AS h, pa + h % pe AS p,
        ${PICK(seed, 'p', 'false')},
        if(k < 0, P_DEV[P_PRACT[p + 1] + 1], A_PRJ[4 * p + k + 1]) AS prj,
        R_BILL[prj + 1] = 0 AS billable,
        toDecimal64(8000 + intDiv(h, 1000) % 342000, 2) / 100 AS amount,
        toDateTime64(work_date, 3, 'UTC') + toIntervalSecond(4 * 86400 + 43200) AS approve_at,
        if(approve_at <= obs, 'approved', 'submitted') AS status
      FROM (${rows})
    )
    WHERE NOT again OR (approve_at > prev AND approve_at <= obs)`
}

/** Weekly PSA batches of time entries and expenses (versions included), a few batches per INSERT. */
export async function writePsa(db: Db, plan: Plan, batches: Batches): Promise<void> {
  const jobs = [['time_entry', plan.days, plan.psaDays, timeSelect], ['expense', plan.xdays, plan.psaXdays, expenseSelect]] as const
  for (const [entity, slots, perBatch, select] of jobs) {
    const opened = plan.psaObs.map((obs) => batches.open('kantata', entity, 'delta', obs))
    const sizes = perBatch.map((ss) => ss.reduce((n, s) => n + s.cnt, 0) * 1.1)
    let b0 = 0
    for (const chunk of chunked(sizes.map((n, i) => ({ n, i })), (x) => x.n)) {
      const b1 = chunk[chunk.length - 1].i
      await run(db, select(plan, genRows(slots, perBatch, plan.psaObs, opened, b0, b1)))
      b0 = b1 + 1
    }
  }
}

/** Number range [lo, hi) of the slots with day in [from, to]. */
export function numberRange(slots: DaySlot[], from: number, to: number): [number, number] {
  const inside = slots.filter((s) => s.day >= from && s.day <= to)
  if (!inside.length) return [0, 0]
  return [inside[0].off, inside[inside.length - 1].off + inside[inside.length - 1].cnt]
}

/**
 * The ERP's weekly sync: every PSA entry approved since the last cut, copied under the same key,
 * except the plants (missing lines, hours keyed differently, a duplicate import). Expenses too.
 * One scan of the PSA rows per chunk of keys; each row's batch follows from its approval time
 * (the cuts are a week apart, the last one at as_of − 6 h).
 */
export async function writeErpSync(db: Db, plan: Plan, batches: Batches): Promise<void> {
  const { seed, unbilledFrom: U } = plan
  const opened = plan.sync.map((s) => [batches.open('netsuite', 'time_entry', 'delta', s.at), batches.open('netsuite', 'expense', 'delta', s.at)])
  const weekly = plan.sync.length - 1
  const c0 = plan.sync[0].cut
  const arr = (xs: string[]) => `[${xs.join(',')}]`
  // Index of the first cut at or after `t`: weekly ones by arithmetic, then the final one.
  const batchOf = (t: string) => `multiIf(${t} <= ${ts(c0)}, 0,
      intDiv(toUnixTimestamp64Milli(${t}) - ${c0} + ${7 * DAY - 1}, ${7 * DAY}) < ${weekly},
      intDiv(toUnixTimestamp64Milli(${t}) - ${c0} + ${7 * DAY - 1}, ${7 * DAY}), ${weekly})`
  const consts = (which: 0 | 1) => `${arr(plan.sync.map((s) => ts(s.at)))}[j + 1] AS obs,
      ${arr(opened.map((b) => ts6(b[which].receivedAt)))}[j + 1] AS recv, ${arr(opened.map((b) => `'${b[which].uid}'`))}[j + 1] AS uid`
  const last = ts(plan.sync[weekly].cut)
  for (const chunk of chunked(plan.days, (s) => s.cnt)) {
    const lo = chunk[0].off
    const hi = chunk[chunk.length - 1].off + chunk[chunk.length - 1].cnt
    await run(db, `INSERT INTO entity_time_entry (system, kind, key, native_id, deleted, resource_key, project_key, work_date, hours, billable,
        status, bill_rate, currency, approved_at, extra, observed_at, received_at, line, batch_uid)
      SELECT 'netsuite', 'erp', key || sfx, 'NS-T' || substring(key, 4) || sfx, false, resource_key, project_key, work_date,
        multiIf(sfx != '', hours, r < ${PLANT.mismatch}, hours + toDecimal64(['1', '0.5', '2', '0.3'][r % 4 + 1], 2),
                r < ${PLANT.nearMiss}, hours + toDecimal64('0.005', 3), r < ${PLANT.fixed} AND work_date >= toDate('${ymd(U)}'), hours + 1, hours),
        billable, 'approved', bill_rate, currency, approved_at, '', obs, recv, toUInt32(n + 1 + if(sfx = '', 0, 2000000000)), uid
      FROM (
        SELECT *, toUInt64(substring(key, 4, 9)) AS n, ${plantHash(seed)} AS r, ${batchOf('approved_at')} AS j, ${consts(0)}
        FROM entity_time_entry
        WHERE kind = 'psa' AND key >= ${teKey(lo)} AND key < ${teKey(hi)} AND status = 'approved' AND approved_at <= ${last}
      )
      ARRAY JOIN if(r >= ${PLANT.deleted} AND r < ${PLANT.stray} AND work_date >= toDate('${ymd(U)}'), ['', '-R'], ['']) AS sfx
      WHERE r >= ${PLANT.missing}`)
  }
  const approve = `toDateTime64(expense_date, 3, 'UTC') + toIntervalSecond(4 * 86400 + 43200)`
  await run(db, `INSERT INTO entity_expense (system, kind, key, native_id, deleted, resource_key, project_key, expense_date, amount, currency,
      billable, status, extra, observed_at, received_at, line, batch_uid)
    SELECT 'netsuite', 'erp', key, 'NSE-' || substring(key, 4), false, resource_key, project_key, expense_date, amount, currency, billable,
      'approved', '', obs, recv, toUInt32(toUInt64(substring(key, 4)) + 1), uid
    FROM (SELECT *, ${batchOf(approve)} AS j, ${consts(1)} FROM entity_expense WHERE kind = 'psa' AND status = 'approved' AND ${approve} <= ${last})`)
}

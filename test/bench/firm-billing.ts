// ERP billing of the bench firm: on the 15th, the month's T&M invoices (their amount the sum of
// the ERP time and billable expenses they carry, a few planted off) with those lines re-sent
// carrying the invoice key, fixed-fee milestones, and invoices paid since the last run. Then the
// final ERP delta near as_of (corrections and tombstones) and the expected counts of the plants
// that live in the generated rows.
import type { Db } from '../../server/db/client.ts'
import { HOUR, addMonthsDay, chTime, ymd, type Plan } from './firm-plan.ts'
import type { Batches } from './firm-batches.ts'
import { PLANT, exKey, numberRange, plantHash, run, teKey, ts, ts6 } from './firm-time.ts'

const R_BILL = `(SELECT r_bill FROM _firm_arrays) AS R_BILL`
const projectIdx = `toUInt32OrZero(substring(project_key, 5)) + 1`
const invoiceCols = `system, kind, key, native_id, deleted, account_key, project_key, invoice_date, period_start, period_end, amount, currency,
  status, due_date, paid_at, extra, observed_at, received_at, line, batch_uid`

/** Invoices re-observed once paid (20-55 days after their date), from `prev` up to `at`. */
async function paid(db: Db, plan: Plan, batches: Batches, prev: number, at: number): Promise<void> {
  const b = batches.open('netsuite', 'invoice', 'delta', at)
  await run(db, `INSERT INTO entity_invoice (${invoiceCols})
    SELECT system, kind, key, native_id, false, account_key, project_key, invoice_date, period_start, period_end, amount, currency, 'paid',
      due_date, paid, '', ${ts(at)}, ${ts6(b.receivedAt)}, line + 100000, '${b.uid}'
    FROM (SELECT *, toDateTime64(invoice_date, 3, 'UTC') + toIntervalSecond((20 + cityHash64(${plan.seed}, 'paid', key) % 36) * 86400
                    + 36000 + cityHash64(${plan.seed}, 'paid-at', key) % 25200) AS paid
          FROM entity_invoice WHERE kind = 'erp' AND status = 'issued')
    WHERE paid > ${ts(prev)} AND paid <= ${ts(at)}`)
}

export async function writeBilling(db: Db, plan: Plan, batches: Batches): Promise<void> {
  const { seed } = plan
  let prev = 0
  for (const b of plan.billing) {
    const [lo, hi] = numberRange(plan.days, b.month, b.end)
    const [xlo, xhi] = numberRange(plan.xdays, b.month, b.end)
    const tb = batches.open('netsuite', 'time_entry', 'delta', b.at)
    const xb = batches.open('netsuite', 'expense', 'delta', b.at)
    const ib = batches.open('netsuite', 'invoice', 'delta', b.at)
    const month = ymd(b.month).slice(0, 7).replace('-', '')
    const missed = b.month === plan.missedMonth && plan.missedProjects.length ? `AND project_key NOT IN (${plan.missedProjects.map((k) => `'${k}'`).join(', ')})` : ''
    const invoiced = `'INV-' || substring(project_key, 5) || '-${month}'`
    const billable = `billable AND R_BILL[${projectIdx}] = 0 AND invoice_key IS NULL AND NOT deleted ${missed}`
    await run(db, `INSERT INTO entity_time_entry (system, kind, key, native_id, deleted, resource_key, project_key, work_date, hours, billable,
        status, bill_rate, currency, approved_at, invoice_key, extra, observed_at, received_at, line, batch_uid)
      WITH ${R_BILL}
      SELECT system, kind, key, native_id, false, resource_key, project_key, work_date, hours, billable, status, bill_rate, currency, approved_at,
        ${invoiced}, '', ${ts(b.at)}, ${ts6(tb.receivedAt)}, toUInt32(toUInt64(substring(key, 4, 9)) - ${lo} + 1), '${tb.uid}'
      FROM entity_time_entry
      WHERE kind = 'erp' AND key >= ${teKey(lo)} AND key < ${teKey(hi)} AND NOT endsWith(key, '-R')
        AND work_date >= toDate('${ymd(b.month)}') AND work_date <= toDate('${ymd(b.end)}') AND ${billable}
        AND NOT (${plantHash(seed)} >= ${PLANT.stray} AND ${plantHash(seed)} < ${PLANT.dropped})`)
    await run(db, `INSERT INTO entity_expense (system, kind, key, native_id, deleted, resource_key, project_key, expense_date, amount, currency,
        billable, status, invoice_key, extra, observed_at, received_at, line, batch_uid)
      WITH ${R_BILL}
      SELECT system, kind, key, native_id, false, resource_key, project_key, expense_date, amount, currency, billable, status, ${invoiced}, '',
        ${ts(b.at)}, ${ts6(xb.receivedAt)}, toUInt32(toUInt64(substring(key, 4)) - ${xlo} + 1), '${xb.uid}'
      FROM entity_expense
      WHERE kind = 'erp' AND key >= ${exKey(xlo)} AND key < ${exKey(xhi)}
        AND expense_date >= toDate('${ymd(b.month)}') AND expense_date <= toDate('${ymd(b.end)}') AND ${billable}`)
    // The invoice is the sum of its lines; a few are off (over- and under-billed), two by less than the tolerance.
    await run(db, `INSERT INTO entity_invoice (${invoiceCols})
      WITH (SELECT r_acc FROM _firm_arrays) AS R_ACC
      SELECT 'netsuite', 'erp', ik, 'NSI-' || substring(ik, 5), false, nullIf(R_ACC[toUInt32(substring(pk, 5)) + 1], ''), pk, idate,
        toDate('${ymd(b.month)}'), toDate('${ymd(b.end)}'),
        multiIf(pl = 0, round(total * toDecimal64('1.035', 3), 2), pl = 1, round(total * toDecimal64('0.91', 2), 2),
                pl = 2, round(total * toDecimal64('0.98', 2), 2), pl = 3, round(total * toDecimal64('1.06', 2), 2),
                pl = 4, total + toDecimal64('0.90', 2), pl = 5, total + floor(total * toDecimal64('0.004', 3)), total),
        'USD', 'issued', idate + 30, NULL, '', ${ts(b.at)}, ${ts6(ib.receivedAt)}, toUInt32(substring(pk, 5)) + 1, '${ib.uid}'
      FROM (
        SELECT ik, any(pk0) AS pk, sum(amt) AS total, cityHash64(${seed}, 'mis', ik) % ${plan.invoiceMod} AS pm,
          multiIf(pm = 0, cityHash64(${seed}, 'mis-kind', ik) % 4, pm < 3, 3 + pm, 99) AS pl,
          toDate('${ymd(b.end)}') + 3 + cityHash64(${seed}, 'inv', ik) % 6 AS idate
        FROM (
          SELECT assumeNotNull(invoice_key) AS ik, project_key AS pk0, toDecimal128(hours * ifNull(bill_rate, 0), 8) AS amt
          FROM entity_time_entry WHERE kind = 'erp' AND key >= ${teKey(lo)} AND key < ${teKey(hi)} AND batch_uid = '${tb.uid}'
          UNION ALL
          SELECT assumeNotNull(invoice_key), project_key, toDecimal128(amount, 8)
          FROM entity_expense WHERE kind = 'erp' AND key >= ${exKey(xlo)} AND key < ${exKey(xhi)} AND batch_uid = '${xb.uid}'
        )
        GROUP BY ik
      )`)
    await fixedFees(db, plan, b.month, b.end, b.at, ib.uid, ib.receivedAt)
    await paid(db, plan, batches, prev, b.at)
    prev = b.at
  }
  await paid(db, plan, batches, prev, plan.final.erpDelta)
}

/** Fixed-fee projects bill 20 % of their budget every other month, five times at most. */
async function fixedFees(db: Db, plan: Plan, month: number, end: number, at: number, uid: string, receivedAt: string): Promise<void> {
  const values = plan.projects.flatMap((p) => {
    if (p.billing !== 1 || p.createdErp === null || p.budgetAmount === null || p.start > end || (p.end !== null && p.end < month)) return []
    let k = 0
    while (addMonthsDay(p.start, k + 1) <= month) k++
    if (k % 2 === 0 || (k - 1) / 2 >= 5) return []
    const date = end + 5
    return [{
      system: 'netsuite', kind: 'erp', key: `INV-FF-${p.key.slice(4)}-${ymd(month).slice(0, 7).replace('-', '')}`, native_id: null, deleted: false,
      account_key: p.accountKey, project_key: p.key, invoice_date: ymd(date), period_start: ymd(month), period_end: ymd(end),
      amount: Math.round(p.budgetAmount * 0.2 * 100) / 100, currency: 'USD', status: 'issued', due_date: ymd(date + 30), paid_at: null,
      extra: '', observed_at: chTime(at), received_at: receivedAt, line: 50_000 + p.idx, batch_uid: uid,
    }]
  })
  if (values.length) await db.client.insert({ table: 'entity_invoice', values, format: 'JSONEachRow' })
}

/** The ERP's last delta before as_of: typos corrected (updated_at set), duplicates and a few lines deleted. */
export async function writeErpDelta(db: Db, plan: Plan, batches: Batches): Promise<void> {
  const { seed, unbilledFrom: U } = plan
  const at = plan.final.erpDelta
  const b = batches.open('netsuite', 'time_entry', 'delta', at)
  const [lo, hi] = numberRange(plan.days, U, plan.D)
  const where = `kind = 'erp' AND key >= ${teKey(lo)} AND key < ${teKey(hi + 1)} AND invoice_key IS NULL AND NOT deleted AND work_date >= toDate('${ymd(U)}')`
  const r = plantHash(seed)
  await run(db, `INSERT INTO entity_time_entry (system, kind, key, native_id, updated_at, deleted, resource_key, project_key, work_date, hours,
      billable, status, bill_rate, currency, approved_at, extra, observed_at, received_at, line, batch_uid)
    SELECT system, kind, key, native_id, ${ts(at - 15 * 60_000)}, false, resource_key, project_key, work_date, hours - 1, billable, status,
      bill_rate, currency, approved_at, '', ${ts(at)}, ${ts6(b.receivedAt)}, toUInt32(toUInt64(substring(key, 4, 9)) - ${lo} + 1), '${b.uid}'
    FROM entity_time_entry
    WHERE ${where} AND NOT endsWith(key, '-R') AND ${r} >= ${PLANT.nearMiss} AND ${r} < ${PLANT.fixed}`)
  // Tombstones as the ingest path writes them: typed columns at their defaults.
  await run(db, `INSERT INTO entity_time_entry (system, kind, key, updated_at, deleted, extra, observed_at, received_at, line, batch_uid)
    SELECT system, kind, key, ${ts(at - 10 * 60_000)}, true, '', ${ts(at)}, ${ts6(b.receivedAt)},
      toUInt32(${hi - lo} + toUInt64(substring(key, 4, 9)) - ${lo} + 1), '${b.uid}'
    FROM entity_time_entry
    WHERE ${where} AND (endsWith(key, '-R') OR (${r} >= ${PLANT.fixed} AND ${r} < ${PLANT.deleted} AND approved_at < ${ts(plan.asOf - 30 * HOUR)}))`)
}

/** Expected counts of the plants that live in generated rows, read back from what was written. */
export async function rowPlants(db: Db, plan: Plan): Promise<Record<string, number>> {
  const { seed, asOf, D } = plan
  const r = plantHash(seed)
  const one = async (query: string) => {
    const rs = await db.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { max_threads: 2 } })
    return Number(Object.values((await rs.json<Record<string, string>>())[0])[0])
  }
  const erpSync = `kind = 'erp' AND invoice_key IS NULL AND NOT deleted AND updated_at IS NULL AND NOT endsWith(key, '-R')`
  const missedMonth = plan.missedProjects.length
    ? `OR (toStartOfMonth(work_date) = toDate('${ymd(plan.missedMonth)}') AND project_key IN (${plan.missedProjects.map((k) => `'${k}'`).join(', ')}))`
    : ''
  return {
    time_entry_missing_in_erp:
      (await one(`SELECT countIf(${r} < ${PLANT.missing} AND approved_at < ${ts(asOf - 24 * HOUR)}) FROM entity_time_entry WHERE kind = 'psa' AND status = 'approved'`)) +
      (await one(`SELECT count() FROM entity_time_entry WHERE kind = 'erp' AND deleted AND NOT endsWith(key, '-R')`)),
    time_entry_hours_mismatch: await one(`SELECT countIf(${r} >= ${PLANT.missing} AND ${r} < ${PLANT.mismatch}) FROM entity_time_entry WHERE ${erpSync}`),
    unbilled_time_over_90_days: await one(`WITH ${R_BILL} SELECT uniqExact(project_key) FROM entity_time_entry
      WHERE ${erpSync} AND billable AND R_BILL[${projectIdx}] = 0 AND work_date < toDate('${ymd(D - 90)}')
        AND ((${r} >= ${PLANT.stray} AND ${r} < ${PLANT.dropped}) ${missedMonth})`),
    invoice_amount_mismatch: await one(`SELECT countIf(cityHash64(${seed}, 'mis', key) % ${plan.invoiceMod} = 0) FROM entity_invoice
      WHERE kind = 'erp' AND status = 'issued' AND NOT startsWith(key, 'INV-FF')`),
  }
}


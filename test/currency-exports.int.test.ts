// Multi-currency in what finance reads (CONTRACT §5 Currency, §6): exports carry each record's
// native amounts and currency and the amounts in the reporting currency (empty when no rate);
// the reconciliation matrix adds up in the reporting currency and says how many records
// converted; the close view names its currency. Exact values, to the last digit.
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { useServer } from './helpers/fixture.ts'
import { AS_OF, detect, put, rec } from './helpers/rules.ts'
import { ADMIN, api } from './helpers/server.ts'
import { summarize } from '../server/reconciliation/query.ts'
import { findComparison } from '../server/reconciliation/catalog.ts'

const server = useServer()
const PERIOD = `as_of=${AS_OF}&from=2024-06-01&to=2024-06-30`
const TIME = `pair=psa-erp&entity=time_entry&${PERIOD}`

// EUR: 1.1 from 2024-05-31, 1.2 from 2024-06-07; GBP has no rate; no currency means the reporting one.
beforeAll(async () => {
  await put(server.url, 'erp', 'fx_rate', [
    { key: 'EUR-2024-05-31', currency: 'EUR', rate_date: '2024-05-31', rate: '1.1' },
    { key: 'EUR-2024-06-07', currency: 'EUR', rate_date: '2024-06-07', rate: '1.2' },
  ])
  const t = (key: string, o: Record<string, unknown>) => rec.time_entry(key, { project_key: 'P-FX', bill_rate: '100', approved_at: '2024-06-12T09:00:00.000Z', ...o })
  await put(server.url, 'psa', 'time_entry', [
    t('TE-EUR-1', { currency: 'EUR', work_date: '2024-06-03' }), // 800 EUR at 1.1
    t('TE-EUR-2', { currency: 'EUR', work_date: '2024-06-10' }), // 800 EUR at 1.2
    t('TE-EUR-3', { currency: 'EUR', work_date: '2024-06-12', hours: '4', bill_rate: '25' }), // 100 EUR, PSA only
    t('TE-GBP', { currency: 'GBP', hours: '2', bill_rate: '50' }), // 100 GBP, no rate, PSA only
    t('TE-USD', { hours: '1' }), // 100 in the reporting currency, PSA only
  ])
  await put(server.url, 'erp', 'time_entry', [
    t('TE-EUR-1', { currency: 'EUR', work_date: '2024-06-03' }),
    t('TE-EUR-2', { currency: 'EUR', work_date: '2024-06-10', hours: '7' }),
  ])
  // Projects' budgets convert at D (2024-06-15): 1000 EUR is 1200.
  await put(server.url, 'psa', 'project', [rec.project('P-FX', { budget_amount: '1000', currency: 'EUR', created_at: '2024-06-01T00:00:00.000Z' })])
  await put(server.url, 'erp', 'project', [rec.project('P-FX', { budget_amount: '1000', currency: 'EUR', created_at: '2024-06-01T00:00:00.000Z' })])
})

async function csv(path: string): Promise<Record<string, string>[]> {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${ADMIN}` } })
  const text = await res.text()
  expect(res.status, text).toBe(200)
  const [header, ...rows]: string[][] = parse(text, { bom: true, record_delimiter: '\r\n' })
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
}

async function xlsx(path: string): Promise<ExcelJS.Worksheet> {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${ADMIN}` } })
  expect(res.status).toBe(200)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer)
  return wb.worksheets[0]
}

/** A sheet's rows by their first cell, each a map of header to cell. */
function sheetByKey(ws: ExcelJS.Worksheet): Map<string, Record<string, ExcelJS.Cell>> {
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String)
  const out = new Map<string, Record<string, ExcelJS.Cell>>()
  ws.eachRow((r, n) => n > 1 && out.set(String(r.getCell(1).value), Object.fromEntries(header.map((h, i) => [h, r.getCell(i + 1)]))))
  return out
}

const pick = (r: Record<string, string>, cols: string[]) => cols.map((c) => r[c])

describe('reconciliation exports in two currencies', () => {
  const COLS = ['Currency', 'PSA amount', 'ERP amount', 'Difference', 'Reporting currency', 'PSA amount (reporting)', 'ERP amount (reporting)', 'Difference (reporting)']

  it('time entries: native amounts and currency, then the reporting amounts at each work date; empty with no rate', async () => {
    const want: Record<string, string[]> = {
      'TE-EUR-1': ['EUR', '800', '800', '0', 'USD', '880', '880', '0'],
      'TE-EUR-2': ['EUR', '800', '700', '100', 'USD', '960', '840', '120'],
      'TE-EUR-3': ['EUR', '100', '', '100', 'USD', '120', '', '120'],
      'TE-GBP': ['GBP', '100', '', '100', 'USD', '', '', ''],
      'TE-USD': ['USD', '100', '', '100', 'USD', '100', '', '100'],
    }
    const rows = await csv(`/api/v1/exports/reconciliation.csv?${TIME}`)
    expect(Object.fromEntries(rows.map((r) => [r.Key, pick(r, COLS)]))).toEqual(want)
    // The record list answers the same amounts.
    const list = await api(server.url, `/api/v1/reconciliation/records?${TIME}`)
    expect(list.body.reporting_currency).toBe('USD')
    const byKey = Object.fromEntries(list.body.items.map((r: any) => [r.key, [r.amount_a_reporting, r.amount_b_reporting, r.amount_diff_reporting]]))
    expect(byKey['TE-EUR-2']).toEqual([960, 840, 120])
    expect(byKey['TE-GBP']).toEqual([null, null, null])

    // XLSX: native money in its currency's format, reporting money in the reporting currency's.
    const sheet = sheetByKey(await xlsx(`/api/v1/exports/reconciliation.xlsx?${TIME}`))
    const eur2 = sheet.get('TE-EUR-2')!
    expect([eur2['PSA amount'].value, eur2['PSA amount (reporting)'].value, eur2['Difference (reporting)'].value]).toEqual([800, 960, 120])
    expect(eur2['PSA amount'].numFmt).toContain('"EUR"')
    expect(eur2['PSA amount (reporting)'].numFmt).toContain('"USD"')
    expect(sheet.get('TE-GBP')!['PSA amount (reporting)'].value ?? null).toBeNull()
  })

  it('projects (a comparison written by the server): budgets convert at D', async () => {
    const rows = await csv(`/api/v1/exports/reconciliation.csv?pair=psa-erp&entity=project&${PERIOD}`)
    expect(pick(rows.find((r) => r.Key === 'P-FX')!, COLS)).toEqual(['EUR', '1000', '1000', '0', 'USD', '1200', '1200', '0'])
    const sheet = sheetByKey(await xlsx(`/api/v1/exports/reconciliation.xlsx?pair=psa-erp&entity=project&${PERIOD}`))
    const p = sheet.get('P-FX')!
    expect([p['PSA amount'].value, p['PSA amount (reporting)'].value]).toEqual([1000, 1200])
    expect(p['PSA amount (reporting)'].numFmt).toContain('"USD"')
  })
})

describe('exceptions export in two currencies', () => {
  it('carries the native amount and currency, the reporting amount and its currency; empty with no rate', async () => {
    await detect(server.url)
    const rows = await csv('/api/v1/exports/exceptions.csv?rule=time_entry_missing_in_erp')
    const cols = ['Amount at risk', 'Currency', 'Amount at risk (reporting)', 'Reporting currency']
    expect(Object.fromEntries(rows.map((r) => [r['Entity key'], pick(r, cols)]))).toEqual({
      'TE-EUR-3': ['100', 'EUR', '120', 'USD'],
      'TE-GBP': ['100', 'GBP', '', 'USD'],
      'TE-USD': ['100', 'USD', '100', 'USD'],
    })
    const sheet = sheetByKey(await xlsx('/api/v1/exports/exceptions.xlsx?rule=time_entry_missing_in_erp'))
    const eur = [...sheet.values()].find((r) => r['Entity key'].value === 'TE-EUR-3')!
    expect([eur['Amount at risk'].value, eur['Amount at risk (reporting)'].value]).toEqual([100, 120])
    expect(eur['Amount at risk'].numFmt).toContain('"EUR"')
    expect(eur['Amount at risk (reporting)'].numFmt).toContain('"USD"')
  })
})

describe('the matrix and the close view add up in the reporting currency', () => {
  it('sums converted amounts, leaves out records with no rate and says how many converted', async () => {
    const r = await api(server.url, `/api/v1/reconciliation?${TIME}`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.currency).toBe('USD')
    const [t] = r.body.items
    // 880 + 960 + 120 + 100 (GBP left out); 880 + 840.
    expect([t.records, t.amount_a, t.amount_b, t.amount_diff, t.fx_coverage]).toEqual([5, 2060, 1720, 340, 0.8])
    const byPeriod = await api(server.url, `/api/v1/reconciliation?${TIME}&by=period`)
    expect(byPeriod.body.items[0].rows.map((g: any) => [g.group, g.amount_a, g.fx_coverage])).toEqual([['2024-06-01', 2060, 0.8]])

    const close = await api(server.url, `/api/v1/close?month=2024-06&as_of=${AS_OF}`)
    expect(close.status, JSON.stringify(close.body)).toBe(200)
    expect(close.body.currency).toBe('USD')
    expect([close.body.time.amount_a, close.body.time.fx_coverage]).toEqual([2060, 0.8])
  })

  it('follows the reporting currency setting: in EUR, EUR is 1, no currency is EUR, USD has no rate', async () => {
    const put = await api(server.url, '/api/v1/settings', { method: 'PUT', body: JSON.stringify({ reporting_currency: 'EUR' }), headers: { 'content-type': 'application/json' } })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    try {
      const r = await api(server.url, `/api/v1/reconciliation?${TIME}`)
      expect(r.body.currency).toBe('EUR')
      const [t] = r.body.items
      // 800 + 800 + 100 + 100 (no currency); GBP left out.
      expect([t.amount_a, t.amount_b, t.fx_coverage]).toEqual([1800, 1500, 0.8])
      // The derived facts and history answer alike (a record with no currency is in EUR in both).
      const f = { asOf: new Date(AS_OF), from: '2024-06-01', to: '2024-06-30', reporting: 'EUR' }
      const cmp = findComparison('psa-erp', 'time_entry')!
      const [derived, history] = [await summarize(server.db, cmp, f, ''), await summarize(server.db, cmp, { ...f, history: true }, '')]
      expect(derived).toEqual(history)
      expect([history[0].amount_a, history[0].fx_coverage]).toEqual(['1800', 0.8])
      const rows = await csv(`/api/v1/exports/reconciliation.csv?${TIME}`)
      const usd = rows.find((x) => x.Key === 'TE-USD')!
      expect([usd.Currency, usd['Reporting currency'], usd['PSA amount (reporting)']]).toEqual(['EUR', 'EUR', '100'])
      expect(rows.find((x) => x.Key === 'TE-EUR-2')!['PSA amount (reporting)']).toBe('800')
    } finally {
      await api(server.url, '/api/v1/settings', { method: 'PUT', body: JSON.stringify({ reporting_currency: 'USD' }), headers: { 'content-type': 'application/json' } })
    }
  })
})

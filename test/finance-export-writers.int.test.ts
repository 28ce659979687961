// The export writers on firm-small: the CSV lines and XLSX rows the engine writes for the large
// comparisons (exports/fast-csv-sql.ts, fast-xlsx-sql.ts) against the JS writers (csv.ts, xlsx-cells.ts)
// byte for byte, over the firm and over awkward text, and XLSX continuation sheets.
import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { plan } from './helpers/firm.ts'
import { useServer } from './helpers/fixture.ts'
import { findComparison } from '../server/reconciliation/catalog.ts'
import { recordSource, records, streamRecordsCsv, streamRecordsXlsx } from '../server/reconciliation/query.ts'
import { queryRows } from '../server/db/query.ts'
import type { Column } from '../server/exports/columns.ts'
import { csvRows } from '../server/exports/csv.ts'
import { csvLineExpression, type SourceColumn } from '../server/exports/fast-csv-sql.ts'
import { recordColumns } from '../server/exports/record-columns.ts'
import { CURRENCIES, MONEY_BASE, rowsXml } from '../server/exports/xlsx-cells.ts'
import { xlsxRowExpression } from '../server/exports/fast-xlsx-sql.ts'
import { xlsxStream, type SheetChunk } from '../server/exports/xlsx.ts'

const AS_OF = plan.as_of

describe('export writers', () => {
  const server = useServer({ firm: true })

  // The large comparisons' CSV and sheet rows are written by the engine (exports/fast-csv-sql.ts,
  // fast-xlsx-sql.ts); they must be the very bytes the JS writers (csv.ts, xlsx.ts) make of the same
  // records, slice after slice.
  for (const [pair, entity] of [['psa-erp', 'time_entry'], ['psa-erp', 'expense']] as const) {
    it.each([
      ['no filter', {}],
      ['differing and only_a', { status: ['differing', 'only_a'] }],
      ['a practice', { practice: 'Strategy' }],
    ])(`${pair} ${entity}, %s: the engine's CSV and XLSX rows are the JS writers', byte for byte`, async (_, extra) => {
      const c = findComparison(pair, entity)!
      const f = { asOf: new Date(AS_OF), from: '2025-01-01', to: '2026-12-31', ...extra }
      const source = await recordSource(server.db, c, f)
      const cols = recordColumns(c.a, c.b, source.map((s) => s.name))
      expect(cols.length).toBeGreaterThan(12)
      const whole = await records(server.db, c, f, 1_000_000, '')
      expect(whole.length).toBeGreaterThan(2)
      // About five slices of version rows over the comparison.
      const all = await records(server.db, c, { ...f, status: undefined }, 1_000_000, '')
      const chunks: Uint8Array[] = []
      for await (const chunk of streamRecordsCsv(server.db, c, f, cols, source, Math.max(2, Math.ceil(all.length / 5)))) chunks.push(chunk)
      // A slice without matching records answers no bytes at all.
      expect(chunks.length).toBeGreaterThan('status' in extra ? 0 : 2)
      const engine = Buffer.concat(chunks).toString('utf8')
      const js = csvRows(cols, whole)
      // Compared line by line first, so a difference names its record.
      expect(engine.split('\r\n')).toEqual(js.split('\r\n'))
      expect(engine).toBe(js)

      // The same for XLSX sheet rows (exports/fast-xlsx-sql.ts against rowsXml), numbered on across slices.
      const sheet: SheetChunk[] = []
      for await (const chunk of streamRecordsXlsx(server.db, c, f, cols, source, Math.max(2, Math.ceil(all.length / 5)))) sheet.push(chunk)
      expect(sheet.reduce((n, s) => n + s.rows, 0)).toBe(whole.length)
      const engineXml = Buffer.concat(sheet.map((s) => Buffer.from(s.xml))).toString('utf8')
      const jsXml = rowsXml(cols, whole, 0, (r) => String(r.currency ?? 'USD'))
      expect(engineXml.split('</row>')).toEqual(jsXml.split('</row>'))
      expect(engineXml).toBe(jsXml)
    })
  }

  // The same writers over text the firm does not have: XML's and CSV's special characters,
  // formulas, white space at the edges, control characters, non-numbers in number columns.
  it('engine and JS writers agree on awkward text, byte for byte', async () => {
    const cols: Column[] = [
      { key: 'record_key', header: 'Key', type: 'text' },
      { key: 'period', header: 'Date', type: 'date' },
      { key: 'currency', header: 'Currency', type: 'text' },
      { key: 'amount_a', header: 'Amount', type: 'money' },
      { key: 'a_hours', header: 'Hours', type: 'number' },
      { key: 'a_tags', header: 'Tags', type: 'text' },
      // Money in another currency than the row's: the column naming it sets its format.
      { key: 'rep', header: 'Reporting currency', type: 'text' },
      { key: 'amount_r', header: 'Amount (reporting)', type: 'money', currency: 'rep' },
    ]
    const awkward = ['<b>Tom & "Jerry"</b>', '  padded  ', 'bell\u0007char', 'tab\tinside', 'line\nbreak', 'cr\rhere', 'comma, here', '=1+1', '-2', '@x', 'emoji 😀', '', "it's"]
    const data = awkward.map((v, i) => ({
      record_key: `${String(i).padStart(2, '0')} ${v}`,
      period: i % 3 ? `2026-0${(i % 9) + 1}-15` : null,
      currency: ['USD', 'EUR', 'XYZ', ''][i % 4],
      amount_a: i % 5 ? `${i * 10.25 - 40}` : null,
      a_hours: [String(i), v, '1e5', '-0.5'][i % 4],
      a_tags: [v, v.toUpperCase()],
      rep: ['EUR', 'USD', 'JPY'][i % 3],
      amount_r: i % 4 ? `${i * 1.125}` : null,
    }))
    const query = `SELECT * FROM format(JSONEachRow, 'record_key String, period Nullable(Date), currency String, amount_a Nullable(Decimal(18, 2)), a_hours String, a_tags Array(String), rep String, amount_r Nullable(Decimal(38, 24))', {data:String})`
    const params = { data: data.map((d) => JSON.stringify(d)).join('\n') }
    const source = (await server.db.client.query({ query: `DESCRIBE (${query})`, query_params: params, format: 'JSONEachRow' }).then((r) => r.json<SourceColumn>()))
    const rows = await queryRows<Record<string, unknown>>(server.db, 'test', `${query} ORDER BY record_key`, params)
    expect(rows.length).toBe(awkward.length)
    const raw = async (sql: string, extra = {}) => Buffer.from(await (await server.db.client.exec({ query: `${sql}\nFORMAT RawBLOB`, query_params: { ...params, ...extra } })).stream.toArray().then((b) => Buffer.concat(b))).toString('utf8')

    const csv = csvLineExpression(cols, source)
    const engineCsv = await raw(`SELECT ${csv.line} FROM (SELECT ${csv.texts}, record_key FROM (${query})) ORDER BY record_key`)
    expect(engineCsv).toBe(csvRows(cols, rows))
    expect(engineCsv).toContain('"00 <b>Tom & ""Jerry""</b>"')

    const xlsx = xlsxRowExpression(cols, source)
    const engineXml = await raw(`SELECT ${xlsx.row} FROM (SELECT ${xlsx.texts} FROM (${query} ORDER BY record_key))`, { row_base: 0, sheet_rows: 1_048_575, currencies: xlsx.currencies })
    const jsXml = rowsXml(cols, rows, 0, (r) => String(r.currency ?? 'USD'))
    expect(engineXml.split('</row>')).toEqual(jsXml.split('</row>'))
    expect(engineXml).toContain('&lt;b&gt;Tom &amp; "Jerry"&lt;/b&gt;')
    expect(engineXml).toContain('<t xml:space="preserve">01   padded  </t>')
    expect(engineXml).not.toContain('\u0007')
    // Row 01 is in EUR, its reporting amount in USD: each cell in its own currency's format.
    const style = (c: string) => MONEY_BASE + CURRENCIES.indexOf(c)
    expect(engineXml).toContain(`<c r="H3" s="${style('USD')}"><v>1.125</v></c>`)
    expect(engineXml).toContain(`<c r="D3" s="${style('EUR')}"><v>-29.75</v></c>`)
  })

  // Past a sheet's rows (Excel's 1,048,575 under the header; a few here), the workbook goes on
  // in further sheets, each with its header, frozen row and autofilter, whichever writer made
  // the rows and wherever a slice or batch boundary falls.
  it.each([['engine rows', 'engine'], ['JS rows', 'js']] as const)('an XLSX export continues on further sheets: %s', async (_, writer) => {
    const c = findComparison('psa-erp', 'time_entry')!
    const f = { asOf: new Date(AS_OF), from: '2026-06-01', to: '2026-06-30', status: ['differing', 'only_a'] }
    const source = await recordSource(server.db, c, f)
    const cols = recordColumns(c.a, c.b, source.map((s) => s.name))
    const whole = await records(server.db, c, f, 1_000_000, '')
    expect(whole.length).toBeGreaterThan(12)
    const per = 7
    async function* jsRows(): AsyncGenerator<SheetChunk> {
      // Batches of 5 against sheets of 7: boundaries fall inside batches.
      for (let i = 0; i < whole.length; i += 5) yield { xml: rowsXml(cols, whole.slice(i, i + 5), i, (r) => String(r.currency), per), rows: whole.slice(i, i + 5).length }
    }
    const rows = writer === 'engine' ? streamRecordsXlsx(server.db, c, f, cols, source, 1_000, per) : jsRows()
    const meta = { title: 'Time entries PSA-ERP', filters: {}, asOf: AS_OF, generatedAt: new Date().toISOString() }
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load((await xlsxStream(cols, rows, meta, per).toArray().then((b) => Buffer.concat(b))) as unknown as ArrayBuffer)
    const sheets = Math.ceil(whole.length / per)
    expect(wb.worksheets.map((w) => w.name)).toEqual([...Array.from({ length: sheets }, (_, i) => (i ? `Time entries PSA-ERP (${i + 1})` : 'Time entries PSA-ERP')), 'About this export'])
    const keys: unknown[] = []
    for (const ws of wb.worksheets.slice(0, -1)) {
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(cols.map((col) => col.header))
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
      // 25 columns: the 21 of a time entry and its four in the reporting currency.
      expect(ws.autoFilter).toBe(`A1:Y${ws.actualRowCount}`)
      expect(ws.actualRowCount).toBeLessThanOrEqual(per + 1)
      ws.eachRow((r, n) => n > 1 && keys.push(r.getCell(1).value))
    }
    expect(keys).toEqual(whole.map((r) => r.record_key))
    const last = wb.worksheets[sheets - 1]
    expect(last.getRow(last.actualRowCount).getCell(8).value).toBe(Number(whole.at(-1)!.amount_a))
    const facts: Record<string, string> = {}
    wb.worksheets.at(-1)!.eachRow((r, n) => n > 1 && (facts[String(r.getCell(1).value)] = String(r.getCell(2).value)))
    expect(facts).toMatchObject({ Rows: String(whole.length), 'Data sheets': `${sheets} (a sheet holds 7 rows)` })
  })
})

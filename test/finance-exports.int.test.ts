// Exports (CONTRACT §6): the exception list and reconciliation records as CSV and XLSX, read
// back with independent readers (csv-parse, exceljs's reader) and compared row by row with the
// API lists; formula injection comes back inert; finance only; bad parameters are named.
import { isDeepStrictEqual } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { plan } from './helpers/firm.ts'
import { ADMIN, api, ingest, ndjson } from './helpers/server.ts'
import { createUser, newToken } from './helpers/access.ts'
import { useServer } from './helpers/fixture.ts'

const AS_OF = plan.as_of
const OBSERVED = '2026-06-30T11:00:00.000Z'
const INJECT = ['=HYPERLINK("http://x","y")', '+1', '-1+1', '@SUM(A1)', '\tTAB', '\rCR']
/** What the CSV holds for a text cell: a leading apostrophe before anything a spreadsheet would run. */
const inert = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)
// After seconds of parsing on the event loop, let the HTTP client see sockets the server closed
// as idle meanwhile, before it reuses one (else: ECONNRESET).
const settle = () => new Promise((r) => setTimeout(r, 50))
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

type Kind = 'text' | 'num' | 'money' | 'date' | 'datetime' | 'bool' | 'json'
interface Cell { k: Kind; v: any; cur?: string }
const cell = (k: Kind, v: any, cur?: string): Cell => ({ k, v: v === undefined ? null : v, cur })

const EXCEPTION_HEADER = ['Exception id', 'Rule', 'Entity type', 'Entity key', 'Status', 'Resolution', 'Severity', 'Owner', 'Amount at risk', 'Currency',
  'Amount at risk (reporting)', 'Reporting currency', 'Systems', 'Practice', 'Region', 'First detected', 'Last detected', 'Due', 'Overdue', 'Details (values by system)']
const exceptionRow = (e: any): Cell[] => [
  cell('text', e.id), cell('text', e.rule), cell('text', e.entity_type), cell('text', e.entity_key), cell('text', e.status), cell('text', e.resolution),
  cell('text', e.severity), cell('text', e.owner), cell('money', e.amount_at_risk, e.currency), cell('text', e.currency),
  cell('money', e.amount_at_risk_reporting, e.reporting_currency), cell('text', e.reporting_currency), cell('text', e.systems.join(', ')),
  cell('text', e.practice), cell('text', e.region), cell('datetime', e.first_detected_at), cell('datetime', e.last_detected_at), cell('datetime', e.due_at),
  cell('bool', e.overdue), cell('json', e.details),
]

const NUMERIC = /(hours|rate|amount|budget|total)$/
/** The firm's reporting currency: the default (CONTRACT §5 Currency). */
const REPORTING = 'USD'
function recordHeader(r: any, a: string, b: string): string[] {
  const side = (label: string, o: object) => Object.keys(o).map((k) => `${label} ${k.replace(/_/g, ' ')}`)
  return ['Key', 'Match', 'Rule broken', 'Date', 'Practice', 'Project', 'Currency', `${a} amount`, `${b} amount`, 'Difference',
    'Reporting currency', `${a} amount (reporting)`, `${b} amount (reporting)`, 'Difference (reporting)', ...side(a, r.a), ...side(b, r.b)]
}
const recordRow = (r: any): Cell[] => [
  cell('text', r.key), cell('text', r.status), cell('text', r.rule), cell('date', r.period), cell('text', r.practice), cell('text', r.project_key),
  cell('text', r.currency), cell('money', r.amount_a, r.currency), cell('money', r.amount_b, r.currency), cell('money', r.amount_diff, r.currency),
  cell('text', REPORTING), cell('money', r.amount_a_reporting, REPORTING), cell('money', r.amount_b_reporting, REPORTING), cell('money', r.amount_diff_reporting, REPORTING),
  ...[...Object.entries(r.a), ...Object.entries(r.b)].map(([k, v]) => cell(NUMERIC.test(k) ? 'num' : 'text', v === null ? null : String(v))),
]

// Cell checks return what is wrong (or null): one expect per file, not per cell, keeps
// 100,000 comparisons fast.
const show = (v: unknown) => (v instanceof Date ? v.toISOString() : JSON.stringify(v))
const differ = (got: unknown, want: unknown) => (isDeepStrictEqual(got, want) ? null : `got ${show(got)}, want ${show(want)}`)

function csvCellProblem(got: string, c: Cell): string | null {
  if (c.v === null || c.v === '') return differ(got, '')
  if (c.k === 'num' || c.k === 'money') return /^-?\d+(\.\d+)?$/.test(got) ? differ(Number(got), Number(c.v)) : `not a plain number: ${show(got)}`
  if (c.k === 'json') return differ(JSON.parse(got), c.v)
  return differ(got, c.k === 'text' ? inert(String(c.v)) : String(c.v))
}

function xlsxCellProblem(x: ExcelJS.Cell, c: Cell): string | null {
  if (x.type === ExcelJS.ValueType.Formula || x.formula !== undefined) return `a formula cell: ${show(x.formula)}`
  if (c.v === null || c.v === '') return differ(x.value ?? null, null)
  const typed = (t: ExcelJS.ValueType) => (x.type === t ? null : `cell type ${x.type}, want ${t}`)
  switch (c.k) {
    case 'num':
      return typed(ExcelJS.ValueType.Number) ?? differ(x.value, Number(c.v))
    case 'money':
      return typed(ExcelJS.ValueType.Number) ?? differ(x.value, Number(c.v)) ??
        (x.numFmt?.includes(`"${c.cur}"`) && /0\.00[^0]/.test(x.numFmt) ? null : `money format ${show(x.numFmt)} for ${c.cur}`)
    case 'date':
    case 'datetime':
      return typed(ExcelJS.ValueType.Date) ?? differ((x.value as Date).toISOString(), c.k === 'date' ? `${c.v}T00:00:00.000Z` : c.v)
    case 'bool':
      return typed(ExcelJS.ValueType.Boolean) ?? differ(x.value, c.v)
    case 'json':
      return typed(ExcelJS.ValueType.String) ?? differ(JSON.parse(x.value as string), c.v)
    default:
      // XML turns a carriage return into a line feed (XML 1.0 §2.11) in any reader.
      return typed(ExcelJS.ValueType.String) ?? differ(x.value, String(c.v).replace(/\r/g, '\n'))
  }
}

/** The first problems of a file, `where` each. */
function problems(rows: Cell[][], header: string[], check: (i: number, j: number, c: Cell) => string | null): string[] {
  const out: string[] = []
  rows.forEach((row, i) => row.forEach((c, j) => {
    const p = out.length < 20 ? check(i, j, c) : null
    if (p) out.push(`row ${i + 1} ${header[j]}: ${p}`)
  }))
  return out
}

describe('finance exports', () => {

  async function download(path: string, token: string = ADMIN) {
    const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } })
    return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) }
  }
  async function list(path: string): Promise<any[]> {
    const items: any[] = []
    let cursor: string | null = null
    do {
      const r: any = await api(server.url, `${path}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      items.push(...r.body.items)
      cursor = r.body.next_cursor
    } while (cursor)
    return items
  }

  /** Downloads the CSV, checks its framing and every row against `rows`; returns the raw text. */
  async function checkCsv(path: string, header: string[], rows: Cell[][], filename: RegExp) {
    const d = await download(path)
    expect(d.status, d.buf.toString()).toBe(200)
    expect(d.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(d.headers.get('content-disposition')).toMatch(filename)
    expect([...d.buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = d.buf.toString('utf8')
    expect(text.endsWith('\r\n')).toBe(true)
    const parsed: string[][] = parse(text, { bom: true, record_delimiter: '\r\n', relax_quotes: false })
    expect(parsed[0]).toEqual(header)
    expect(parsed.length - 1, path).toBe(rows.length)
    expect(problems(rows, header, (i, j, c) => csvCellProblem(parsed[i + 1][j], c)), path).toEqual([])
    await settle()
    return text
  }

  async function checkXlsx(path: string, header: string[], rows: Cell[][], filename: RegExp, about: Record<string, string>) {
    const d = await download(path)
    expect(d.status, d.buf.toString()).toBe(200)
    expect(d.headers.get('content-type')).toBe(XLSX_TYPE)
    expect(d.headers.get('content-disposition')).toMatch(filename)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(d.buf as unknown as ArrayBuffer)
    const [ws, info] = wb.worksheets
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
    const last = String.fromCharCode(64 + Math.floor((header.length - 1) / 26)).replace('@', '') + String.fromCharCode(65 + ((header.length - 1) % 26))
    expect(ws.autoFilter).toBe(`A1:${last}${rows.length + 1}`)
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(header)
    expect(ws.getRow(1).font?.bold).toBe(true)
    expect(ws.actualRowCount, path).toBe(rows.length + 1)
    expect(problems(rows, header, (i, j, c) => xlsxCellProblem(ws.getRow(i + 2).getCell(j + 1), c)), path).toEqual([])
    const facts: Record<string, string> = {}
    info.eachRow((r, n) => n > 1 && (facts[String(r.getCell(1).value)] = String(r.getCell(2).value)))
    expect(facts).toMatchObject({ Rows: String(rows.length), ...about })
    expect(Math.abs(Date.parse(facts['Generated at']) - Date.now())).toBeLessThan(120_000)
    await settle()
    return ws
  }

  const server = useServer({ firm: true })
  beforeAll(async () => {
    // Text a spreadsheet would run, as keys, resource keys and projects of time entries (odd
    // ones only in the PSA, even ones with other hours in the ERP) and as a won deal's name.
    const psa = INJECT.map((v, i) => ({
      key: v, resource_key: v, project_key: i % 2 ? v : 'PRJ-00030', work_date: '2026-06-10', hours: 8, billable: true, status: 'approved',
      bill_rate: 100, currency: 'USD', approved_at: '2026-06-12T09:00:00.000Z',
    }))
    const erp = psa.filter((_, i) => i % 2 === 0).map((t) => ({ ...t, hours: 7 }))
    const deal = { key: 'OPP-INJECT', account_key: 'ACC-0001', name: INJECT[0], stage: INJECT[3], amount: 1234.5, currency: 'USD', close_date: '2026-06-01', is_won: true, is_closed: true, won_at: '2026-06-01T09:00:00.000Z' }
    const batches: Array<[string, string, object[]]> = [['kantata', 'time_entry', psa], ['netsuite', 'time_entry', erp], ['salesforce', 'opportunity', [deal]]]
    for (const [system, entity, rows] of batches) {
      const r = await ingest(server.url, system, entity, ndjson(rows), `mode=delta&observed_at=${OBSERVED}`)
      expect([r.status, r.body.accepted], JSON.stringify(r.body)).toEqual([200, rows.length])
    }
    expect((await api(server.url, `/api/v1/detect?as_of=${AS_OF}`, { method: 'POST' })).status).toBe(200)
  })

  it('exceptions CSV and XLSX hold every exception of the list, status=all and filtered', async () => {
    for (const query of ['status=all', 'rule=time_entry_hours_mismatch', 'status=all&sort=age&severity=high,medium']) {
      const items = await list(`/api/v1/exceptions?${query}`)
      expect(items.length).toBeGreaterThan(10)
      const rows = items.map(exceptionRow)
      const slug = query.replace(/=/g, '_').replace(/&/g, '-').replace(/,/g, '_')
      const name = (ext: string) => new RegExp(`^attachment; filename="crosswalk-exceptions-${slug}-asof-\\d{8}T\\d{6}Z\\.${ext}"$`)
      await checkCsv(`/api/v1/exports/exceptions.csv?${query}`, EXCEPTION_HEADER, rows, name('csv'))
      const filters = Object.fromEntries([...new URLSearchParams(query)].map(([k, v]) => [`Filter: ${k}`, v]))
      await checkXlsx(`/api/v1/exports/exceptions.xlsx?${query}`, EXCEPTION_HEADER, rows, name('xlsx'), { Export: 'Exceptions', ...filters })
    }
  })

  it('reconciliation CSV and XLSX hold every record of the list with both sides', async () => {
    const query = `pair=psa-erp&entity=time_entry&as_of=${AS_OF}&from=2026-01-01&to=2026-06-30`
    const items = await list(`/api/v1/reconciliation/records?${query}`)
    expect(items.length).toBeGreaterThan(5000)
    expect(new Set(items.map((r) => r.status))).toEqual(new Set(['matched', 'differing', 'only_a']))
    const header = recordHeader(items[0], 'PSA', 'ERP')
    expect(header).toContain('ERP invoice key')
    const name = (ext: string) => new RegExp(`^attachment; filename="crosswalk-reconciliation-psa-erp-time_entry-2026-01-01_2026-06-30-asof-20260630T120000Z\\.${ext}"$`)
    await checkCsv(`/api/v1/exports/reconciliation.csv?${query}`, header, items.map(recordRow), name('csv'))
    const about = { Export: 'Time entries PSA-ERP', 'As of': AS_OF, 'Filter: pair': 'psa-erp', 'Filter: entity': 'time_entry', 'Filter: from': '2026-01-01', 'Filter: to': '2026-06-30' }
    await checkXlsx(`/api/v1/exports/reconciliation.xlsx?${query}`, header, items.map(recordRow), name('xlsx'), about)

    const narrow = `${query}&status=differing&practice=Strategy`
    const some = await list(`/api/v1/reconciliation/records?${narrow}`)
    expect(some.length).toBeGreaterThan(0)
    await checkCsv(`/api/v1/exports/reconciliation.csv?${narrow}`, header, some.map(recordRow), name('csv'))
  })

  it('formula injection comes back as inert text: apostrophe in the CSV, string cells in the XLSX', async () => {
    const query = `pair=psa-erp&entity=time_entry&as_of=${AS_OF}&from=2026-06-01&to=2026-06-30`
    const csv = await download(`/api/v1/exports/reconciliation.csv?${query}`)
    const rows: string[][] = parse(csv.buf.toString('utf8'), { bom: true, record_delimiter: '\r\n' })
    const [h] = rows
    const byKey = new Map(rows.slice(1).map((r) => [r[0], r]))
    INJECT.forEach((v, i) => {
      const r = byKey.get(`'${v}`)!
      expect(r, JSON.stringify(v)).toBeDefined()
      expect(r[h.indexOf('PSA resource key')]).toBe(`'${v}`)
      expect(r[h.indexOf('Project')]).toBe(i % 2 ? `'${v}` : 'PRJ-00030')
      expect(r[h.indexOf('ERP resource key')]).toBe(i % 2 ? '' : `'${v}`)
      expect(r[h.indexOf('Rule broken')]).toBe(i % 2 ? 'time_entry_missing_in_erp' : 'time_entry_hours_mismatch')
    })
    // RFC 4180: a field with quotes and commas is quoted, its quotes doubled.
    expect(csv.buf.toString('utf8')).toContain(`"'=HYPERLINK(""http://x"",""y"")"`)
    for (const bad of INJECT) expect(rows.flat().some((c) => c === bad)).toBe(false)

    const x = await download(`/api/v1/exports/reconciliation.xlsx?${query}`)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(x.buf as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]
    const keys = new Map<string, ExcelJS.Row>()
    ws.eachRow((r, n) => n > 1 && keys.set(String(r.getCell(1).value), r))
    for (const v of INJECT) {
      const r = keys.get(v.replace(/\r/g, '\n'))!
      expect(r, JSON.stringify(v)).toBeDefined()
      for (const col of [1, h.indexOf('PSA resource key') + 1]) {
        const c = r.getCell(col)
        expect([c.type, c.formula, c.value]).toEqual([ExcelJS.ValueType.String, undefined, v.replace(/\r/g, '\n')])
      }
    }
    ws.eachRow((r) => r.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)))

    // The exception list: entity keys; the CRM comparison: a deal's name and stage.
    const exc: string[][] = parse((await download('/api/v1/exports/exceptions.csv?status=all')).buf.toString('utf8'), { bom: true, record_delimiter: '\r\n' })
    const keyed = new Set(exc.map((r) => r[3]))
    for (const v of INJECT) expect(keyed.has(`'${v}`), JSON.stringify(v)).toBe(true)
    const crm: string[][] = parse((await download(`/api/v1/exports/reconciliation.csv?pair=crm-erp&entity=opportunity&as_of=${AS_OF}&from=2025-01-01`)).buf.toString('utf8'), { bom: true, record_delimiter: '\r\n' })
    const deal = crm.find((r) => r[0] === 'OPP-INJECT')!
    expect([deal[crm[0].indexOf('CRM name')], deal[crm[0].indexOf('CRM stage')], deal[crm[0].indexOf('Rule broken')]]).toEqual([`'${INJECT[0]}`, `'${INJECT[3]}`, 'won_opportunity_without_project'])
  })

  it('finance may export, ops may not; bad parameters are named', async () => {
    const finance = await newToken(server.url, { kind: 'personal', user_id: (await createUser(server.url, 'finance')).id })
    const ops = await newToken(server.url, { kind: 'personal', user_id: (await createUser(server.url, 'ops')).id })
    for (const p of ['exceptions.csv', 'exceptions.xlsx', `reconciliation.csv?as_of=${AS_OF}`, `reconciliation.xlsx?as_of=${AS_OF}`]) {
      const ok = await download(`/api/v1/exports/${p}`, finance.token)
      expect(ok.status, p).toBe(200)
      expect(ok.buf.length, p).toBeGreaterThan(1000)
      expect((await download(`/api/v1/exports/${p}`, ops.token)).status, p).toBe(403)
      expect((await fetch(`${server.url}/api/v1/exports/${p}`)).status, p).toBe(401)
    }
    const cases: Array<[string, string]> = [
      ['reconciliation.csv?pair=nope', 'pair'], ['reconciliation.xlsx?pair=psa-erp&entity=invoice', 'pair'], ['reconciliation.csv?from=2026-13-01', 'from'],
      ['reconciliation.xlsx?to=2026-02-30', 'to'], ['reconciliation.csv?as_of=noon', 'as_of'], ['reconciliation.csv?status=odd', 'status'],
      ['exceptions.csv?rule=nope', 'rule'], ['exceptions.xlsx?severity=urgent', 'severity'], ['exceptions.csv?overdue=maybe', 'overdue'], ['exceptions.csv?sort=sideways', 'sort'],
    ]
    for (const [p, field] of cases) {
      const r = await api(server.url, `/api/v1/exports/${p}`)
      expect(r.status, p).toBe(400)
      expect(r.body.error.details.field, p).toBe(field)
    }
    for (const p of ['reconciliation.csv?colour=red', 'exceptions.xlsx?colour=red', 'exceptions.csv?limit=5']) {
      const r = await api(server.url, `/api/v1/exports/${p}`)
      expect(r.status, p).toBe(400)
      expect(r.body.error.message, p).toMatch(/colour|limit/)
    }
  })
})

// The reconciliation match matrix and record list (CONTRACT §6) for firm-small at its as_of,
// against expected.json, and the period-close view built on them.
import { beforeAll, describe, expect, it } from 'vitest'
import { batchFile, expected, plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { json } from './helpers/access.ts'
import { useServer } from './helpers/fixture.ts'
import { RULES } from '../server/rules/catalog.ts'
import { findComparison } from '../server/reconciliation/catalog.ts'
import { records, summarize } from '../server/reconciliation/query.ts'

const AS_OF = plan.as_of
const WIDE = `as_of=${AS_OF}&from=2025-01-01&to=2026-12-31`
const HOUR = 3_600_000
const sorted = (xs: Iterable<string>) => [...xs].sort()
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))
const FINANCE_RULES = Object.entries(RULES).filter(([, r]) => r.finance).map(([n]) => n)

describe('finance reconciliation', () => {
  let matrix: any[]
  const cache = new Map<string, any[]>()

  /** Every record of a comparison, walking the cursor `limit` at a time. */
  async function records(query: string, limit = 1000): Promise<any[]> {
    const id = `${query}|${limit}`
    if (cache.has(id)) return cache.get(id)!
    const items: any[] = []
    let cursor: string | null = null
    do {
      const r: any = await api(server.url, `/api/v1/reconciliation/records?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(r.body.items.length).toBeLessThanOrEqual(limit)
      items.push(...r.body.items)
      cursor = r.body.next_cursor
    } while (cursor)
    cache.set(id, items)
    return items
  }
  const cmp = (pair: string, entity: string) => records(`pair=${pair}&entity=${entity}&${WIDE}`)
  const keys = (rs: any[], f: (r: any) => boolean) => sorted(rs.filter(f).map((r) => r.key))

  const server = useServer({ firm: true })
  beforeAll(async () => {
    const d = await api(server.url, `/api/v1/detect?as_of=${AS_OF}`, { method: 'POST' })
    expect(d.status).toBe(200)
    const m = await api(server.url, `/api/v1/reconciliation?${WIDE}`)
    expect(m.status).toBe(200)
    matrix = m.body.items
    // How a comparison is read (its key-range slices) is not part of the answer.
    expect(matrix.some((i: Record<string, unknown>) => 'slices' in i)).toBe(false)
  })

  it('time entries: differing are the hours mismatches; approved PSA time missing in the ERP breaks the rule', async () => {
    const rs = await cmp('psa-erp', 'time_entry')
    const mismatch = expected.exceptions.time_entry_hours_mismatch as string[]
    expect(keys(rs, (r) => r.status === 'differing')).toEqual(sorted(mismatch))
    expect(keys(rs, (r) => r.rule === 'time_entry_hours_mismatch')).toEqual(sorted(mismatch))
    for (const r of rs.filter((x) => x.status === 'differing')) expect(Number(r.a.hours)).not.toBe(Number(r.b.hours))

    // The comparison labels every approved PSA entry missing in the ERP; the rule waits 24 h
    // after approval. So the labelled set is the expected exceptions plus exactly the entries
    // approved less than 24 h before as_of (approved_at read from the last PSA snapshot).
    const approvedAt = new Map<string, string>()
    for (const line of batchFile('013-kantata-time_entry.ndjson').split('\n').filter(Boolean)) {
      const t = JSON.parse(line)
      approvedAt.set(t.key, t.approved_at)
    }
    const missing = expected.exceptions.time_entry_missing_in_erp as string[]
    const labelled = rs.filter((r) => r.rule === 'time_entry_missing_in_erp')
    for (const r of labelled) expect([r.status, r.a.status, r.b.hours]).toEqual(['only_a', 'approved', null])
    const fresh = labelled.filter((r) => Date.parse(approvedAt.get(r.key)!) >= Date.parse(AS_OF) - 24 * HOUR)
    expect(fresh.length).toBeGreaterThan(0)
    expect(sorted([...missing, ...fresh.map((r) => r.key)])).toEqual(keys(labelled, () => true))
    expect(fresh.filter((r) => missing.includes(r.key))).toEqual([])
    // Other only_a records are PSA entries not approved.
    for (const r of rs.filter((x) => x.status === 'only_a' && !x.rule)) expect(r.a.status).not.toBe('approved')
  })

  it('invoices, people and won deals: the record rules line up with the exceptions', async () => {
    const inv = await cmp('erp-erp', 'invoice')
    expect(keys(inv, (r) => r.status === 'differing')).toEqual(sorted(expected.exceptions.invoice_amount_mismatch))
    expect(keys(inv, (r) => r.rule === 'invoice_amount_mismatch')).toEqual(sorted(expected.exceptions.invoice_amount_mismatch))

    const people = await cmp('hr-psa', 'resource')
    expect(keys(people, (r) => r.rule === 'resource_cost_rate_mismatch')).toEqual(sorted(expected.exceptions.resource_cost_rate_mismatch))
    for (const r of people.filter((x) => x.rule === 'resource_cost_rate_mismatch')) expect(r.status).toBe('differing')

    // crm-erp labels every won deal without an ERP project; the rule also needs no PSA project
    // and a win more than 48 h before as_of.
    const erp = await cmp('crm-erp', 'opportunity')
    const psa = await cmp('crm-psa', 'opportunity')
    const onlyA = (rs: any[]) => new Set(rs.filter((r) => r.status === 'only_a').map((r) => r.key as string))
    const both = [...onlyA(erp)].filter((k) => onlyA(psa).has(k))
    for (const k of expected.exceptions.won_opportunity_without_project) expect(onlyA(erp).has(k), k).toBe(true)
    const wonAt = (r: any) => Date.parse(r.a.won_at ? `${String(r.a.won_at).replace(' ', 'T')}Z` : `${r.period}T00:00:00Z`)
    const old = both.filter((k) => wonAt(erp.find((r) => r.key === k)) < Date.parse(AS_OF) - 48 * HOUR)
    expect(sorted(old)).toEqual(sorted(expected.exceptions.won_opportunity_without_project))
    expect(onlyA(erp).size).toBeGreaterThan(old.length) // a fresh win is labelled, not yet an exception
    for (const r of erp.filter((x) => x.status === 'only_a')) expect(r.rule).toBe('won_opportunity_without_project')
  })

  it('every comparison: counts add up, keys are unique and set, amounts sum to the summary', async () => {
    expect(matrix.length).toBe(8)
    for (const m of matrix) {
      const label = `${m.pair}/${m.entity}`
      const rs = await cmp(m.pair, m.entity)
      expect(m.matched + m.only_a + m.only_b + m.differing, label).toBe(m.records)
      expect(rs.length, label).toBe(m.records)
      for (const s of ['matched', 'only_a', 'only_b', 'differing']) expect(rs.filter((r) => r.status === s).length, `${label} ${s}`).toBe(m[s])
      expect(rs.filter((r) => r.rule).length, label).toBe(m.breaking)
      expect(rs.filter((r) => r.rule && r.status === 'only_a').length, label).toBe(m.only_a_breaking)
      expect(m.match_rate, label).toBeCloseTo(m.matched / m.records, 12)
      expect(m.records, label).toBeGreaterThan(0)
      expect(new Set(rs.map((r) => r.key)).size, label).toBe(rs.length)
      for (const r of rs) expect(typeof r.key === 'string' && r.key.length > 0, `${label} key ${JSON.stringify(r.key)}`).toBe(true)
      const sum = (f: string) => rs.reduce((s, r) => s + Number(r[f] ?? 0), 0)
      // The matrix adds up in the reporting currency: the records' converted amounts (CONTRACT §5).
      expect(near(sum('amount_a_reporting'), m.amount_a), `${label} amount_a`).toBe(true)
      expect(near(sum('amount_b_reporting'), m.amount_b), `${label} amount_b`).toBe(true)
      expect([m.fx_coverage, rs.every((r) => r.currency !== null)], label).toEqual([1, true])
      expect(near(m.amount_diff, m.amount_a - m.amount_b), `${label} diff`).toBe(true)
      for (const r of rs) expect(near(r.amount_diff, Number(r.amount_a ?? 0) - Number(r.amount_b ?? 0)), `${label} ${r.key}`).toBe(true)
    }
  })

  it('breakdowns by period, practice and project sum to the total', async () => {
    const FIELDS = ['records', 'matched', 'only_a', 'only_b', 'differing', 'breaking', 'amount_a', 'amount_b']
    for (const m of matrix) {
      const rs = await cmp(m.pair, m.entity)
      for (const by of ['period', 'practice', 'project']) {
        const r = await api(server.url, `/api/v1/reconciliation?pair=${m.pair}&entity=${m.entity}&by=${by}&${WIDE}`)
        expect(r.status).toBe(200)
        const rows = r.body.items[0].rows as any[]
        // Records without a date (people) have no period to fall in.
        const scope = by === 'period' ? rs.filter((x) => x.period) : rs
        for (const f of FIELDS) {
          const total = rows.reduce((s, x) => s + Number(x[f]), 0)
          const want = f.startsWith('amount') ? scope.reduce((s, x) => s + Number(x[f] ?? 0), 0) : f === 'breaking' ? scope.filter((x) => x.rule).length : f === 'records' ? scope.length : scope.filter((x) => x.status === f).length
          expect(near(total, want), `${m.pair}/${m.entity} by ${by} ${f}: ${total} vs ${want}`).toBe(true)
        }
        if (by === 'period') for (const x of rows) expect(x.group).toMatch(/^\d{4}-\d{2}-01$/)
        if (by === 'practice' && m.entity === 'time_entry')
          for (const x of rows) expect(x.records).toBe(rs.filter((y) => (y.practice ?? '(none)') === x.group).length)
      }
    }
  })

  it('the record list pages by cursor without duplicates or gaps, and filters', async () => {
    const q = `pair=psa-erp&entity=time_entry&${WIDE}`
    const big = await records(q, 1000)
    expect((await records(q, 400)).map((r) => r.key)).toEqual(big.map((r) => r.key))
    for (let i = 1; i < big.length; i++) expect(big[i - 1].key < big[i].key).toBe(true)
    const june = `pair=psa-erp&entity=time_entry&as_of=${AS_OF}&from=2026-06-01&to=2026-06-30`
    const small = await records(june, 37)
    expect(small.map((r) => r.key)).toEqual(big.filter((r) => r.period >= '2026-06-01' && r.period <= '2026-06-30').map((r) => r.key))
    expect(small.length).toBeGreaterThan(37 * 20)
    const differing = await records(`${q}&status=differing,only_b`, 5)
    expect(differing.map((r) => r.key)).toEqual(big.filter((r) => r.status === 'differing' || r.status === 'only_b').map((r) => r.key))
    const practice = big[0].practice
    expect((await records(`${q}&practice=${encodeURIComponent(practice)}`)).length).toBe(big.filter((r) => r.practice === practice).length)
    expect((await records(`${q}&project=PRJ-00030`)).map((r) => r.key)).toEqual(big.filter((r) => r.project_key === 'PRJ-00030').map((r) => r.key))
    expect((await records(`${q}&q=te-000021`)).map((r) => r.key)).toEqual(big.filter((r) => r.key.startsWith('TE-000021')).map((r) => r.key))
    // People carry no date: a narrow period still lists them all.
    expect((await records(`pair=hr-psa&entity=resource&as_of=${AS_OF}&from=2026-06-01&to=2026-06-01`)).length).toBe((await cmp('hr-psa', 'resource')).length)

    for (const [query, field] of [['pair=nope', 'pair'], ['from=2026-13-01', 'from'], ['status=maybe', 'status'], ['limit=0', 'limit'], ['as_of=yesterday', 'as_of']]) {
      const r = await api(server.url, `/api/v1/reconciliation/records?${query}`)
      expect(r.status, query).toBe(400)
      expect(r.body.error.details.field, query).toBe(field)
    }
    const unknown = await api(server.url, `/api/v1/reconciliation?${WIDE}&colour=red`)
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.message).toContain('colour')
    expect((await api(server.url, `/api/v1/reconciliation?by=week`)).body.error.details.field).toBe('by')
  })

  async function openFinanceExceptions() {
    const r = await api(server.url, `/api/v1/exceptions/summary?by=rule&status=open,acknowledged&rule=${FINANCE_RULES.join(',')}`)
    expect(r.status).toBe(200)
    return (r.body.items as any[]).reduce((n, x) => n + x.count, 0)
  }

  it('close 2026-06: blockers match the records of the month, readiness is the share that reconciles', async () => {
    const r = await api(server.url, `/api/v1/close?month=2026-06&as_of=${AS_OF}`)
    expect(r.status).toBe(200)
    const c = r.body
    expect([c.from, c.to, c.as_of]).toEqual(['2026-06-01', '2026-06-30', AS_OF])
    const month = `as_of=${AS_OF}&from=2026-06-01&to=2026-06-30`
    const time = await records(`pair=psa-erp&entity=time_entry&${month}`)
    const inv = await records(`pair=erp-erp&entity=invoice&${month}`)
    const count = (rs: any[], f: (x: any) => boolean) => rs.filter(f).length
    const openFinance = await openFinanceExceptions()
    expect(openFinance).toBeGreaterThan(0)
    const want: Record<string, number> = {
      time_not_in_erp: count(time, (x) => x.status === 'only_a' && x.rule),
      time_unapproved: count(time, (x) => x.status === 'only_a' && !x.rule),
      time_only_in_erp: count(time, (x) => x.status === 'only_b'),
      time_mismatched: count(time, (x) => x.status === 'differing'),
      invoice_mismatched: count(inv, (x) => x.status === 'differing'),
      open_finance_exceptions: openFinance,
    }
    expect(Object.fromEntries(c.blockers.map((b: any) => [b.check, b.count]))).toEqual(want)
    for (const b of c.blockers) expect(b.blocking, b.check).toBe(b.check !== 'time_unapproved' && b.count > 0)
    expect(want.time_not_in_erp).toBeGreaterThan(0)
    expect(want.time_mismatched + want.invoice_mismatched).toBeGreaterThan(0)
    const matched = count(time, (x) => x.status === 'matched') + count(inv, (x) => x.status === 'matched')
    expect(c.readiness).toBeCloseTo(matched / (time.length + inv.length), 12)
    expect(c.readiness).toBeGreaterThan(0)
    expect(c.readiness).toBeLessThan(1)
    expect(c.ready).toBe(false)
    expect(c.time.records).toBe(time.length)
    expect(c.invoices.records).toBe(inv.length)
    expect(c.finance_exceptions.reduce((n: number, x: any) => n + x.count, 0)).toBe(openFinance)
    expect(c.unbilled_wip.by_age.map((x: any) => x.group)).toEqual(['0-30', '31-60', '61-90', '91+'])
  })

  it('close of an empty month: readiness 1; ready only once no finance exception is open', async () => {
    const empty = async () => {
      const r = await api(server.url, `/api/v1/close?month=2025-01&as_of=${AS_OF}`)
      expect(r.status).toBe(200)
      return r.body
    }
    let c = await empty()
    expect(c.readiness).toBe(1)
    expect(c.as_of).toBe('2025-01-31T23:59:59.999Z') // the month's end, before as_of
    const open = await openFinanceExceptions()
    for (const b of c.blockers) expect(b.count, b.check).toBe(b.check === 'open_finance_exceptions' ? open : 0)
    // Open finance exceptions block every month, whatever their dates.
    expect(c.ready).toBe(false)

    const res = await api(server.url, '/api/v1/exceptions/actions', json({ action: 'resolve', note: 'closing', filter: { rule: FINANCE_RULES } }))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.applied).toBe(open)
    expect(await openFinanceExceptions()).toBe(0)
    c = await empty()
    expect([c.readiness, c.ready]).toEqual([1, true])
    expect(c.blockers.every((b: any) => b.count === 0 && !b.blocking)).toBe(true)
    // June is still blocked by its time and invoices.
    expect((await api(server.url, `/api/v1/close?month=2026-06&as_of=${AS_OF}`)).body.ready).toBe(false)

    for (const q of ['month=2026-13', 'month=June', 'as_of=soon', 'week=1']) {
      const r = await api(server.url, `/api/v1/close?${q}`)
      expect(r.status, q).toBe(400)
      expect(JSON.stringify(r.body.error), q).toContain(q.split('=')[0])
    }
  })
})

describe('export slices', () => {
  const server = useServer({ firm: true })

  // A summary is summed slice by slice and the parts added in the server: counts and exact
  // amounts must come out as one query over the whole comparison gives them, in its order.
  for (const [pair, entity] of [['psa-erp', 'time_entry'], ['psa-erp', 'expense']] as const) {
    it.each(['', 'period', 'practice', 'project'] as const)(`${pair} ${entity} summary by '%s': sliced like one query`, async (by) => {
      const c = findComparison(pair, entity)!
      const f = { asOf: new Date(AS_OF), from: '2025-01-01', to: '2026-12-31' }
      const whole = await summarize(server.db, c, f, by, 1_000_000_000)
      const records = whole.reduce((n, r) => n + r.records, 0)
      expect(records).toBeGreaterThan(5)
      // About six slices, and about three (slices count side A's version rows, not records).
      for (const slice of [Math.ceil(records / 6), Math.ceil(records / 3)]) expect(await summarize(server.db, c, f, by, slice)).toEqual(whole)
    })
  }
})

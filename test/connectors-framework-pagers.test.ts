// Pagers and the streamed JSON reader, with fake page fetchers: each edge case a listing can end on.
import { describe, expect, it } from 'vitest'
import { JsonStreamError, jsonArrayAt } from '../ingest/connectors/framework/json-stream.ts'
import type { HttpResult } from '../ingest/connectors/framework/http.ts'
import { batched, locatorPager, nextUrlPager, offsetKeysetPager, pageNumberPager } from '../ingest/connectors/framework/pagers.ts'
import { parseCsv, csvRecord } from '../ingest/connectors/framework/csv.ts'
import { entitySource } from '../ingest/connectors/framework/source.ts'

const ok = <T>(body: T, url = 'u', headers: Record<string, string> = {}): HttpResult<T> => ({ status: 200, url, headers: new Headers(headers), body })

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p)
}

describe('nextUrlPager', () => {
  it('follows next links and marks only the final page last', async () => {
    const pages: Record<string, { rows: number[]; next?: string }> = { a: { rows: [1, 2], next: 'b' }, b: { rows: [3], next: 'c' }, c: { rows: [] } }
    const got = await all(nextUrlPager('a', async (u) => ok(pages[u], u), (b) => b.next))
    expect(got.map((p) => [p.result.url, p.last])).toEqual([['a', false], ['b', false], ['c', true]])
  })
  it('an empty result is one empty last page', async () => {
    const got = await all(nextUrlPager('a', async (u) => ok({ rows: [] as number[] }, u), () => null))
    expect(got).toHaveLength(1)
    expect(got[0].last).toBe(true)
  })
  it('stops on a next link that points back at a page already read', async () => {
    const got = await all(nextUrlPager('a', async (u) => ok({ next: u === 'a' ? 'b' : 'a' }, u), (b) => b.next))
    expect(got.map((p) => p.last)).toEqual([false, true])
  })
})

describe('offsetKeysetPager', () => {
  const rows = Array.from({ length: 23 }, (_, i) => ({ id: String(i + 1) }))
  const fake = (calls: Array<{ offset: number; afterKey?: string }>) => async (p: { offset: number; limit: number; afterKey?: string }) => {
    calls.push({ offset: p.offset, afterKey: p.afterKey })
    const pool = p.afterKey ? rows.filter((r) => Number(r.id) > Number(p.afterKey)) : rows
    const items = pool.slice(p.offset, p.offset + p.limit)
    return ok({ items, hasMore: p.offset + p.limit < pool.length })
  }
  it('switches to keyset paging before passing the cap and reads every row once', async () => {
    const calls: Array<{ offset: number; afterKey?: string }> = []
    const got = await all(offsetKeysetPager({ limit: 5, cap: 10, fetchPage: fake(calls), items: (b) => b.items, hasMore: (b) => b.hasMore, keyOf: (r) => (r as { id: string }).id }))
    const ids = got.flatMap((p) => p.result.body.items.map((r) => r.id))
    expect(ids).toEqual(rows.map((r) => r.id))
    expect(calls).toEqual([{ offset: 0 }, { offset: 5 }, { offset: 0, afterKey: '10' }, { offset: 5, afterKey: '10' }, { offset: 0, afterKey: '20' }])
    expect(calls.every((c) => c.offset + 5 <= 10)).toBe(true)
    expect(got.map((p) => p.last)).toEqual([false, false, false, false, true])
  })
  it('a last page exactly full ends on hasMore=false without another request', async () => {
    const calls: Array<{ offset: number }> = []
    const exact = rows.slice(0, 10)
    const got = await all(
      offsetKeysetPager({
        limit: 5,
        cap: 100,
        fetchPage: async (p) => (calls.push(p), ok({ items: exact.slice(p.offset, p.offset + 5), hasMore: p.offset + 5 < 10 })),
        items: (b) => b.items,
        hasMore: (b) => b.hasMore,
        keyOf: (r) => (r as { id: string }).id,
      }),
    )
    expect(calls).toHaveLength(2)
    expect(got[1].last).toBe(true)
  })
})

describe('pageNumberPager', () => {
  const serve = (total: number, perPage: number, withCount: boolean) => async (page: number) => {
    const all = Array.from({ length: total }, (_, i) => i)
    const items = all.slice((page - 1) * perPage, page * perPage)
    return ok({ items, meta: withCount ? { page_count: Math.ceil(total / perPage) } : undefined })
  }
  it('stops at meta.page_count, also when the last page is exactly full', async () => {
    const got = await all(pageNumberPager({ perPage: 3, fetchPage: serve(6, 3, true), items: (b) => b.items, pageCount: (b) => b.meta?.page_count }))
    expect(got.map((p) => [p.result.body.items.length, p.last])).toEqual([[3, false], [3, true]])
  })
  it('without a count, a full last page is followed by one empty last page', async () => {
    const got = await all(pageNumberPager({ perPage: 3, fetchPage: serve(6, 3, false), items: (b) => b.items, pageCount: () => undefined }))
    expect(got.map((p) => [p.result.body.items.length, p.last])).toEqual([[3, false], [3, false], [0, true]])
  })
  it('an empty result (page_count 0) is one empty last page', async () => {
    const got = await all(pageNumberPager({ perPage: 3, fetchPage: serve(0, 3, true), items: (b) => b.items, pageCount: (b) => b.meta?.page_count }))
    expect(got.map((p) => [p.result.body.items.length, p.last])).toEqual([[0, true]])
  })
})

describe('locatorPager', () => {
  it('follows Sforce-Locator until the string "null"', async () => {
    const seen: Array<string | null> = []
    const next: Record<string, string> = { start: 'L1', L1: 'L2', L2: 'null' }
    const got = await all(locatorPager(async (l) => (seen.push(l), ok('csv', String(l), { 'sforce-locator': next[l ?? 'start'] })), (r) => r.headers.get('sforce-locator')))
    expect(seen).toEqual([null, 'L1', 'L2'])
    expect(got.map((p) => p.last)).toEqual([false, false, true])
  })
})

describe('batched', () => {
  it('marks the final page last even when it is exactly full', async () => {
    async function* src() {
      yield [1, 2]
      yield [3, 4]
    }
    expect(await all(batched(src(), 2))).toEqual([{ rows: [1, 2], last: false }, { rows: [3, 4], last: true }])
    expect(await all(batched((async function* () {})(), 2))).toEqual([{ rows: [], last: true }])
  })
})

describe('jsonArrayAt', () => {
  it('yields the elements of Report_Entry across arbitrary chunk boundaries', async () => {
    const doc = JSON.stringify({ before: { Report_Entry: ['nested, not it'] }, Report_Entry: [{ a: 'x,}]"' }, { b: [1, { c: 2 }] }, 'str', 7], after: 1 })
    for (const size of [1, 3, 7, doc.length]) {
      const parts = doc.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!
      const got = (await all(jsonArrayAt(chunks(...parts), 'Report_Entry'))).flat()
      expect(got).toEqual([{ a: 'x,}]"' }, { b: [1, { c: 2 }] }, 'str', 7])
    }
  })
  it('a report without Report_Entry is zero rows; an empty array too', async () => {
    expect((await all(jsonArrayAt(chunks('{}'), 'Report_Entry'))).flat()).toEqual([])
    expect((await all(jsonArrayAt(chunks('{"Report_Entry": [ ]}'), 'Report_Entry'))).flat()).toEqual([])
  })
  it('rejects non-JSON and cut bodies with a sentence', async () => {
    await expect(all(jsonArrayAt(chunks('<html>'), 'Report_Entry'))).rejects.toThrow(JsonStreamError)
    await expect(all(jsonArrayAt(chunks('{"Report_Entry": [{"a": 1}, {"b"'), 'Report_Entry'))).rejects.toThrow(/ended before/)
  })
})

describe('csv', () => {
  it('parses quoted fields and nests dotted columns', () => {
    const rows = parseCsv('"Id","Account.Name","Note"\r\n"1","Acme, Inc","say ""hi""\nline"\r\n"2","",""\r\n')
    expect(rows).toHaveLength(3)
    expect(csvRecord(rows[0], rows[1])).toEqual({ Id: '1', Account: { Name: 'Acme, Inc' }, Note: 'say "hi"\nline' })
    expect(csvRecord(rows[0], rows[2])).toEqual({ Id: '2', Account: { Name: null }, Note: null })
  })
})

describe('entitySource', () => {
  const defaults = { expense: { table: 'transaction', where: "type = 'ExpRept'" } }
  it('merges an override of the same place, and drops the default where when the table changes', () => {
    expect(entitySource(defaults, 'expense', { where: "type = 'ExpRept' AND posting = 'T'" })).toEqual({ table: 'transaction', where: "type = 'ExpRept' AND posting = 'T'" })
    expect(entitySource(defaults, 'expense', { table: 'customrecord_exp' })).toEqual({ table: 'customrecord_exp' })
    expect(entitySource(defaults, 'rate_card', undefined)).toEqual({})
  })
})

// Paging strategies, one per shape the six APIs use (REFERENCE §7.1); a type picks one and maps
// each answer to records. Every pager marks its final answer `last`, and an empty result is one
// empty last answer, so a runner always sees the end of a listing.
import type { HttpResult } from './http.ts'

/** A request started before the consumer asks for its page (read-ahead): its failure is kept for
 *  when the page is awaited, never an unhandled rejection if the consumer stops first. */
function ahead<R>(p: Promise<R>): Promise<R> {
  p.catch(() => {})
  return p
}

export interface Paged<T> {
  result: HttpResult<T>
  last: boolean
}

/** Follow a next link until there is none (Salesforce nextRecordsUrl, Dataverse @odata.nextLink,
 *  Harvest links.next, NetSuite links[rel=next]). */
export async function* nextUrlPager<T>(first: string, fetchPage: (url: string) => Promise<HttpResult<T>>, nextOf: (body: T) => string | null | undefined, readAhead = false): AsyncGenerator<Paged<T>> {
  const seen = new Set<string>()
  // With readAhead, each next page is requested before the current one is handed over, so the
  // round trip overlaps the consumer's work; the requests and their order are unchanged.
  let pending: Promise<HttpResult<T>> | null = fetchPage(first)
  for (let url: string | null = first; pending; ) {
    const result: HttpResult<T> = await pending
    seen.add(url!)
    const next = nextOf(result.body) || null
    // A next link pointing back at a page already read would loop forever: treat it as the end.
    const last = !next || seen.has(next)
    url = last ? null : next
    if (readAhead) pending = url ? ahead(fetchPage(url)) : null
    yield { result, last }
    if (!readAhead) pending = url ? fetchPage(url) : null
  }
}

export interface OffsetPagerOptions<T> {
  limit: number
  /** Rows the API serves through offsets (NetSuite SuiteQL: 100,000); past it, switch to keyset. */
  cap: number
  /** One page: by offset, or (after the cap) by key with `afterKey` and offset 0. */
  fetchPage(p: { offset: number; limit: number; afterKey?: string }): Promise<HttpResult<T>>
  items(body: T): unknown[]
  hasMore(body: T): boolean
  /** The key of a row, for the keyset (`WHERE id > last ORDER BY id`). */
  keyOf(row: unknown): string
  /** Request the next page before handing over the current one (see nextUrlPager). */
  readAhead?: boolean
}

/** Offset + limit while `hasMore` (NetSuite), with a keyset fallback when the next offset would
 *  pass the cap: `id > last` restarting at offset 0, so a listing of any size completes. */
export async function* offsetKeysetPager<T>(o: OffsetPagerOptions<T>): AsyncGenerator<Paged<T> & { afterKey?: string }> {
  let offset = 0
  let afterKey: string | undefined
  let pending = o.fetchPage({ offset, limit: o.limit, afterKey })
  for (;;) {
    const result = await pending
    const rows = o.items(result.body)
    const more = o.hasMore(result.body) && rows.length > 0
    if (!more) {
      yield { result, last: true, afterKey }
      return
    }
    const pageKey = afterKey
    offset += rows.length
    if (offset + o.limit > o.cap) {
      afterKey = o.keyOf(rows[rows.length - 1])
      offset = 0
    }
    const next = { offset, limit: o.limit, afterKey }
    if (o.readAhead) pending = ahead(o.fetchPage(next))
    yield { result, last: false, afterKey: pageKey }
    if (!o.readAhead) pending = o.fetchPage(next)
  }
}

/** Page numbers with per_page until the reported page count (Kantata meta.page_count); without a
 *  count, a short page ends it, and a page exactly full is followed by one more request. */
export async function* pageNumberPager<T>(o: {
  perPage: number
  fetchPage(page: number): Promise<HttpResult<T>>
  items(body: T): unknown[]
  pageCount(body: T): number | undefined
  /** Request the next page before handing over the current one (see nextUrlPager). */
  readAhead?: boolean
}): AsyncGenerator<Paged<T>> {
  let pending = o.fetchPage(1)
  for (let page = 1; ; page++) {
    const result = await pending
    const count = o.pageCount(result.body)
    const rows = o.items(result.body).length
    const last = count !== undefined ? page >= count : rows < o.perPage
    const end = last || rows === 0
    if (o.readAhead && !end) pending = ahead(o.fetchPage(page + 1))
    yield { result, last: end }
    if (end) return
    if (!o.readAhead) pending = o.fetchPage(page + 1)
  }
}

/** A locator in a response header (Salesforce Bulk 2.0 Sforce-Locator; the string "null" ends). */
export async function* locatorPager<T>(fetchPage: (locator: string | null) => Promise<HttpResult<T>>, locatorOf: (result: HttpResult<T>) => string | null): AsyncGenerator<Paged<T> & { locator: string | null }> {
  for (let locator: string | null = null; ; ) {
    const result = await fetchPage(locator)
    const next = locatorOf(result)
    const last = !next || next === 'null'
    yield { result, last, locator: last ? null : next }
    if (last) return
    locator = next
  }
}

/** Batches an async stream of items into pages of `size`; the final page (maybe empty) is last. */
export async function* batched<T>(items: AsyncIterable<T[]>, size: number): AsyncGenerator<{ rows: T[]; last: boolean }> {
  let buf: T[] = []
  let full: T[] | null = null
  for await (const chunk of items) {
    for (const item of chunk) {
      buf.push(item)
      if (buf.length === size) {
        if (full) yield { rows: full, last: false }
        full = buf
        buf = []
      }
    }
  }
  // Holding one full page back lets the final one be marked last even when it is exactly full.
  if (full && buf.length === 0) yield { rows: full, last: true }
  else {
    if (full) yield { rows: full, last: false }
    yield { rows: buf, last: true }
  }
}

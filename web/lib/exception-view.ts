// The exception list's view (filters and sort) as it lives in the URL, so a view can be shared
// and bookmarked: parsing, a canonical query string, the API query, and the client-side order
// used to merge polled rows into what is already on screen. Pure.
import type { ExceptionItem, ExceptionQuery } from './endpoints.ts'

export const LIST_FILTERS = ['rule', 'owner', 'severity', 'status', 'system', 'practice', 'region'] as const
export type ListFilter = (typeof LIST_FILTERS)[number]

// The sorts the list offers, of those the server takes.
export const SORT_OPTIONS = ['-amount_at_risk', 'amount_at_risk', 'age', '-age', 'due_at', '-due_at'] as const satisfies ReadonlyArray<ExceptionQuery['sort']>
export type SortKey = (typeof SORT_OPTIONS)[number]

export const SORT_LABELS: Record<SortKey, string> = {
  '-amount_at_risk': 'Most at risk',
  amount_at_risk: 'Least at risk',
  age: 'Oldest',
  '-age': 'Newest',
  due_at: 'Due soonest',
  '-due_at': 'Due latest',
}

export const DEFAULT_SORT: SortKey = '-amount_at_risk'

export type ExceptionView = Record<ListFilter, string[]> & {
  overdue: boolean
  /** Snoozed ones instead of the rest (they leave the default list until their time). */
  snoozed: boolean
  q: string
  sort: SortKey
}

export function emptyView(): ExceptionView {
  return { rule: [], owner: [], severity: [], status: [], system: [], practice: [], region: [], overdue: false, snoozed: false, q: '', sort: DEFAULT_SORT }
}

type Params = URLSearchParams | Record<string, string | string[] | undefined>

function values(p: Params, name: string): string[] {
  const raw = p instanceof URLSearchParams ? p.getAll(name) : ([] as string[]).concat(p[name] ?? [])
  return [...new Set(raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))]
}

/** A view from a query string (or the router's search params); unknown sorts fall back. */
export function parseView(p: Params): ExceptionView {
  const v = emptyView()
  for (const f of LIST_FILTERS) v[f] = values(p, f)
  v.overdue = values(p, 'overdue')[0] === 'true'
  v.snoozed = values(p, 'snoozed')[0] === 'true'
  v.q = values(p, 'q').join(',')
  const sort = values(p, 'sort')[0]
  v.sort = SORT_OPTIONS.includes(sort as SortKey) ? (sort as SortKey) : DEFAULT_SORT
  return v
}

/** The query pairs of a view in a canonical order, defaults left out. */
export function viewParams(v: ExceptionView): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const f of LIST_FILTERS) if (v[f].length) out.push([f, [...v[f]].sort().join(',')])
  if (v.overdue) out.push(['overdue', 'true'])
  if (v.snoozed) out.push(['snoozed', 'true'])
  if (v.q.trim()) out.push(['q', v.q.trim()])
  if (v.sort !== DEFAULT_SORT) out.push(['sort', v.sort])
  return out
}

/** "?rule=a,b&sort=age" (or "" for the default view). */
export function viewToSearch(v: ExceptionView, extra: Record<string, string | undefined> = {}): string {
  const s = new URLSearchParams(viewParams(v))
  for (const [k, val] of Object.entries(extra)) if (val) s.set(k, val)
  const text = s.toString()
  return text ? `?${text}` : ''
}

/** The list API's query for a view (status "all" passes through; empty means open+acknowledged). */
export function viewToApiQuery(v: ExceptionView): ExceptionQuery {
  // Values as the URL holds them: the server checks each and names any it does not take.
  return Object.fromEntries(viewParams(v)) as ExceptionQuery
}

export function sameView(a: ExceptionView, b: ExceptionView): boolean {
  return viewToSearch(a) === viewToSearch(b)
}

/** How many filters narrow the view (for the "clear filters" affordance). */
export function activeFilterCount(v: ExceptionView): number {
  return LIST_FILTERS.reduce((n, f) => n + (v[f].length ? 1 : 0), 0) + (v.overdue ? 1 : 0) + (v.snoozed ? 1 : 0) + (v.q.trim() ? 1 : 0)
}

function sortValue(e: ExceptionItem, sort: SortKey): number {
  switch (sort.replace(/^-/, '')) {
    case 'amount_at_risk':
      return e.amount_at_risk ?? 0
    case 'age':
      return Date.parse(e.first_detected_at)
    default:
      return e.due_at ? Date.parse(e.due_at) : Number.POSITIVE_INFINITY
  }
}

/** The server's order for a sort (ties by id), to place polled rows among loaded ones. */
export function compareExceptions(sort: SortKey): (a: ExceptionItem, b: ExceptionItem) => number {
  const desc = sort.startsWith('-')
  return (a, b) => {
    const x = sortValue(a, sort)
    const y = sortValue(b, sort)
    if (x !== y) return desc ? (x < y ? 1 : -1) : x < y ? -1 : 1
    return desc ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  }
}

/**
 * Merges a freshly polled first page into the rows on screen: updated rows replace their old
 * copy, rows not seen before are inserted in sort order and reported as new, and rows the page
 * should have held but did not (resolved out of the view, or filtered away) are dropped.
 * `complete` says the page is the whole view (the server gave no next cursor).
 */
export function mergePolled(
  rows: ExceptionItem[],
  fresh: ExceptionItem[],
  sort: SortKey,
  complete = false,
): { rows: ExceptionItem[]; added: string[]; removed: string[] } {
  const cmp = compareExceptions(sort)
  const freshIds = new Set(fresh.map((f) => f.id))
  const last = fresh[fresh.length - 1]
  const gone = (r: ExceptionItem) => !freshIds.has(r.id) && (complete || (last !== undefined && cmp(r, last) <= 0))
  const removed = rows.filter(gone).map((r) => r.id)
  const known = new Set(rows.map((r) => r.id))
  const added = fresh.filter((f) => !known.has(f.id)).map((f) => f.id)
  const byId = new Map(fresh.map((f) => [f.id, f]))
  const kept = rows.filter((r) => !gone(r)).map((r) => byId.get(r.id) ?? r)
  if (!added.length) return { rows: kept, added, removed }
  return { rows: [...kept, ...fresh.filter((f) => !known.has(f.id))].sort(cmp), added, removed }
}

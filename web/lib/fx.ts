// What answers say about currency (CONTRACT §5 Currency): the reporting currency the server adds
// money up in, which every money figure of the dashboard is shown in, and per KPI the share of
// its records that had an exchange rate, for the tiles' note.
import { createStore } from 'solid-js/store'
import { setCurrency } from './prefs.ts'

const [coverage, setCoverage] = createStore<Record<string, number>>({})

/** An answer that names the reporting currency: money is shown in it from now on. */
export function noteCurrency<T extends { currency?: string }>(a: T): T {
  if (a.currency && /^[A-Z]{3}$/.test(a.currency)) setCurrency(a.currency)
  return a
}

/** A tile's own KPI answer: its fx_coverage is what the tile's note tells. */
export function noteKpiAnswer(a: { kpi: string; currency?: string; fx_coverage?: number }): void {
  noteCurrency(a)
  setCoverage(a.kpi, a.fx_coverage ?? 1)
}

/** The share of a KPI's records that converted, as its tile last read it; undefined before. */
export const fxCoverageOf = (kpi: string): number | undefined => coverage[kpi]

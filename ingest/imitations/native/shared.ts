// What every native converter needs: typed access to canonical fields and stable native ids.
import type { CanonicalRecord } from '../canonical-firm.ts'
import { decText, hoursToMinutes, type Dec } from '../formats.ts'

export type Rec = CanonicalRecord

export const str = (r: Rec, f: string): string | undefined => (r[f] == null ? undefined : String(r[f]))
export const dec = (r: Rec, f: string): string | undefined => (r[f] == null ? undefined : decText(r[f] as Dec))
export const bool = (r: Rec, f: string): boolean => r[f] === true || r[f] === 'true'

/** Native ids of one vendor entity by canonical key: given ones kept, the rest made from `make`. */
export class Ids {
  private readonly byKey = new Map<string, string>()
  private n = 0
  constructor(private readonly make: (n: number, key: string) => string) {}
  assign(r: Rec, useGiven = true): string {
    const id = (useGiven ? str(r, 'native_id') : undefined) ?? this.make(++this.n, r.key)
    this.byKey.set(r.key, id)
    return id
  }
  /** The native id of the record with this key; a dangling key gets an id that resolves to nothing. */
  of(key: string | undefined): string | null {
    if (key === undefined) return null
    return this.byKey.get(key) ?? `missing-${key}`
  }
  has(key: string): boolean {
    return this.byKey.has(key)
  }
}

/** The entity records a vendor reads, and the system each came from (for the report). */
export interface Feed {
  get(entity: string): Rec[]
  /** Notes a value the vendor cannot hold exactly (e.g. 8.005 h in whole minutes). */
  lost(note: string): void
}

/** Minutes for a record's hours, noting on the feed when the vendor's whole minutes lose some. */
export function minutes(feed: Feed, vendor: string, entity: string, r: Rec, field: string) {
  const m = hoursToMinutes(dec(r, field)!)
  if (!m.exact) feed.lost(`${vendor} ${entity} ${r.key}: ${field} ${dec(r, field)} h held as ${m.toString()} min`)
  return m
}

// Times are UTC everywhere. ClickHouse parameters take `YYYY-MM-DD HH:MM:SS.fff` text.
import { parseDatetime, toChDateTime } from '../model/fields.ts'

export { parseDatetime, toChDateTime }

let lastMicros = 0n

/** A strictly increasing arrival time (µs) for this process: orders full ties by arrival. */
export function arrivalMicros(): bigint {
  let now = BigInt(Date.now()) * 1000n
  if (now <= lastMicros) now = lastMicros + 1n
  lastMicros = now
  return now
}

export function microsToCh(us: bigint): string {
  const ms = Number(us / 1000n)
  const frac = (us % 1_000_000n).toString().padStart(6, '0')
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + '.' + frac
}

/** ClickHouse DateTime64 text (UTC) to ISO-8601 with Z. */
export function chToIso(s: string | null | undefined): string | null {
  if (!s) return null
  return s.replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + (s.includes('.') ? 'Z' : '.000Z')
}

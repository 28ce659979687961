// Exact unit conversions and each vendor's native date/number spellings. Money and hours are
// handled as decimal text with BigInt arithmetic: a float would turn 1044780.13 into cents wrongly.
import { LosslessNumber } from 'lossless-json'

export type Dec = string | number

/** The decimal text of a canonical value (a JSON number's shortest form is its written digits). */
export function decText(v: Dec): string {
  const s = typeof v === 'number' ? String(v) : v.trim()
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Error(`not a plain decimal: ${s}`)
  return s
}

/** A JSON number token with exactly these digits, for vendors whose API answers numbers. */
export function jsonNum(v: Dec): LosslessNumber {
  return new LosslessNumber(decText(v))
}

function scaled(v: Dec): { n: bigint; scale: number } {
  const s = decText(v)
  const [i, f = ''] = s.replace('-', '').split('.')
  const n = BigInt(i + f) * (s.startsWith('-') ? -1n : 1n)
  return { n, scale: f.length }
}

/** v × factor as an integer; throws when the result is not whole (e.g. 7.123 h in minutes). */
export function timesInt(v: Dec, factor: number): bigint {
  const { n, scale } = scaled(v)
  const num = n * BigInt(factor)
  const den = 10n ** BigInt(scale)
  if (num % den !== 0n) throw new Error(`${decText(v)} × ${factor} is not whole`)
  return num / den
}

/** Major units → minor units, given the currency's base unit (100 for USD, 1 for JPY). */
export function toMinor(v: Dec, baseUnit = 100): LosslessNumber {
  return new LosslessNumber(timesInt(v, baseUnit).toString())
}

/**
 * Hours → whole minutes, as minute-based vendors store them (Kantata, Dataverse): rounded half up.
 * `exact` says whether the hours survived; 8.005 h cannot be held in minutes.
 */
export function hoursToMinutes(v: Dec): LosslessNumber & { exact?: boolean } {
  const { n, scale } = scaled(v)
  const num = n * 60n
  const den = 10n ** BigInt(scale)
  const minutes = (num * 2n + den) / (den * 2n)
  const out: LosslessNumber & { exact?: boolean } = new LosslessNumber(minutes.toString())
  out.exact = num % den === 0n
  return out
}

export function hoursToSeconds(v: Dec): LosslessNumber {
  return new LosslessNumber(timesInt(v, 3600).toString())
}

/** YYYY-MM-DD → M/D/YYYY (NetSuite's default date preference). */
export function mdy(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-')
  return `${Number(m)}/${Number(d)}/${y}`
}

/** M/D/YYYY or YYYY-MM-DD → YYYY-MM-DD. */
export function isoDate(s: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(s)
  if (!m) return s.slice(0, 10)
  return `${m[3]}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`
}

/**
 * An ISO instant → NetSuite's datetime text `M/D/YYYY h:mm:ss am` in UTC.
 * unconfirmed: the pattern follows the account's date/time preference; a GMT integration user is assumed.
 */
export function nsDateTime(iso: string): string {
  const d = new Date(iso)
  const h = d.getUTCHours()
  const hh = h % 12 === 0 ? 12 : h % 12
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hh}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${h < 12 ? 'am' : 'pm'}`
}

/** An ISO instant → Salesforce's `2025-03-14T17:02:11.000+0000`. */
export function sfDateTime(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000')
}

/** An ISO instant → `2025-03-04T09:15:22Z` (Dataverse, Harvest: whole seconds, Z). */
export function zSeconds(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** An ISO instant → local time with a fixed offset, e.g. `2025-03-04T09:15:22-08:00` (Kantata). */
export function withOffset(iso: string, offsetMinutes: number): string {
  const local = new Date(new Date(iso).getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const a = Math.abs(offsetMinutes)
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

/** A stable UUID-shaped id from a name, so Dataverse GUIDs are the same on every run. */
export function guidFor(name: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  const hex: string[] = []
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${name}`) {
      h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0
      h2 = Math.imul(h2 + ch.charCodeAt(0), 2246822519) >>> 0
    }
    hex.push(((h1 ^ h2) >>> 0).toString(16).padStart(8, '0'))
  }
  const s = hex.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`
}

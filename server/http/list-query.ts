// List filters from a query string: each may repeat (?rule=a&rule=b) or hold a comma list.
import { badRequest } from '../lib/errors.ts'

export function listParam(all: Record<string, string[]>, name: string, allowed?: readonly string[]): string[] | undefined {
  const raw = all[name]
  if (!raw) return undefined
  const values = raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  if (allowed) {
    const bad = values.find((v) => !allowed.includes(v))
    if (bad !== undefined) throw badRequest('bad_parameter', `${name}: '${bad}' is not one of ${allowed.join(', ')}.`, { field: name })
  }
  return values.length ? values : undefined
}

export function rejectUnknown(all: Record<string, string[]>, known: readonly string[]): void {
  const unknown = Object.keys(all).filter((k) => !known.includes(k))
  if (unknown.length) throw badRequest('bad_parameter', `Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`)
}

export function intParam(all: Record<string, string[]>, name: string, dflt: number, min: number, max: number): number {
  const v = all[name]?.[0]
  if (v === undefined || v === '') return dflt
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest('bad_parameter', `${name}: expected an integer from ${min} to ${max}, got '${v}'.`, { field: name })
  return n
}

export function boolParam(all: Record<string, string[]>, name: string): boolean | undefined {
  const v = all[name]?.[0]
  if (v === undefined || v === '') return undefined
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw badRequest('bad_parameter', `${name}: expected true or false, got '${v}'.`, { field: name })
}

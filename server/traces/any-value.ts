// OTLP AnyValue, in both wire forms (protobuf decoded to an object, and OTLP/JSON), to:
// - `native`: a JSON value for the API (int64 beyond 2^53 stays a string, bytes are base64);
// - `text`: what the OpenTelemetry Collector's ClickHouse exporter stores in its Map columns
//   (strings as is, arrays and maps as JSON, bytes as base64).

export type Native = string | number | boolean | null | Native[] | { [k: string]: Native }

export interface KeyValue {
  key?: string
  value?: AnyValue | null
}

export interface AnyValue {
  stringValue?: string | null
  boolValue?: boolean | null
  intValue?: string | number | null
  doubleValue?: number | string | null
  arrayValue?: { values?: AnyValue[] | null } | null
  kvlistValue?: { values?: KeyValue[] | null } | null
  bytesValue?: string | Uint8Array | null
}

export class AttributeError extends Error {}

function intNative(v: string | number): number | string {
  const s = String(v).trim()
  if (!/^-?\d+$/.test(s)) throw new AttributeError(`intValue '${s.slice(0, 40)}' is not an integer`)
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : s
}

/** OTLP/JSON may also spell AnyValue's fields by their proto names (proto3 JSON mapping). */
const SNAKE: Record<string, keyof AnyValue> = {
  string_value: 'stringValue',
  bool_value: 'boolValue',
  int_value: 'intValue',
  double_value: 'doubleValue',
  array_value: 'arrayValue',
  kvlist_value: 'kvlistValue',
  bytes_value: 'bytesValue',
}

const SNAKE_NAMES = Object.entries(SNAKE)

function camel(v: AnyValue): AnyValue {
  // The usual camelCase value (and every protobuf one) is returned as is, without a copy.
  if (v.stringValue != null || v.intValue != null || v.boolValue != null || v.doubleValue != null) return v
  let out: Record<string, unknown> | undefined
  for (const [snake, name] of SNAKE_NAMES)
    if (snake in v && (v as Record<string, unknown>)[name] == null) (out ??= { ...v })[name] = (v as Record<string, unknown>)[snake]
  return (out as AnyValue) ?? v
}

export function toNative(value: AnyValue | null | undefined, depth = 0): Native {
  // Most attribute values are strings, in either wire form.
  const text = value?.stringValue
  if (typeof text === 'string') return text
  if (depth > 32) throw new AttributeError('attribute value nested more than 32 levels deep')
  if (!value || typeof value !== 'object') return null
  const v = camel(value)
  if (v.stringValue !== undefined && v.stringValue !== null) {
    if (typeof v.stringValue !== 'string') throw new AttributeError('stringValue is not a string')
    return v.stringValue
  }
  if (v.boolValue !== undefined && v.boolValue !== null) {
    if (typeof v.boolValue !== 'boolean') throw new AttributeError('boolValue is not a boolean')
    return v.boolValue
  }
  if (v.intValue !== undefined && v.intValue !== null) return intNative(v.intValue)
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    const n = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue
    if (typeof n !== 'number' || Number.isNaN(n) && v.doubleValue !== 'NaN') throw new AttributeError('doubleValue is not a number')
    return Number.isFinite(n) ? n : String(n)
  }
  if (v.arrayValue) return (v.arrayValue.values ?? []).map((x) => toNative(x, depth + 1))
  if (v.kvlistValue) return kvToNative(v.kvlistValue.values ?? [], depth + 1)
  if (v.bytesValue !== undefined && v.bytesValue !== null)
    return typeof v.bytesValue === 'string' ? v.bytesValue : Buffer.from(v.bytesValue).toString('base64')
  return null
}

export function kvToNative(list: KeyValue[] | null | undefined, depth = 0): Record<string, Native> {
  const out: Record<string, Native> = {}
  if (!Array.isArray(list)) {
    if (list === null || list === undefined) return out
    throw new AttributeError('attributes must be a list of {key, value}')
  }
  for (const kv of list) {
    if (!kv || typeof kv.key !== 'string') throw new AttributeError('an attribute has no string key')
    out[kv.key] = toNative(kv.value, depth)
  }
  return out
}

/** The exporter's text form of a value. */
export function toText(v: Native): string {
  if (v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

export function textMap(attrs: Record<string, Native>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k in attrs) out[k] = toText(attrs[k])
  return out
}

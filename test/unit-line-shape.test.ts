// The ingest fast path (server/ingest/fast-line-shape.ts) must encode every line exactly as the
// JSON.parse path does: the same columns, the same rejections and messages. Each line below
// goes through a codec that learns shapes and one that never does, in a stream where the common
// shapes are known by the time the awkward lines come.
import { describe, expect, it } from 'vitest'
import { compileCodec } from '../server/ingest/row-codec.ts'
import { withLineShapes } from '../server/ingest/fast-line-shape.ts'

const te = (i: number, over: Record<string, unknown> = {}) => ({
  key: `TE-${i}`, native_id: `KT${i}`, resource_key: 'E00001', project_key: 'PRJ-00001', work_date: '2026-01-05',
  hours: (i % 16) / 2 + 0.5, billable: i % 7 !== 0, status: 'approved', bill_rate: 150.25, currency: 'USD',
  approved_at: '2026-01-05T18:00:00.000Z', ...over,
})
const line = (o: object) => JSON.stringify(o)

/** Lines in the shapes a collector writes, so that the fast path has learnt them. */
const usual = Array.from({ length: 50 }, (_, i) => line(te(i)))

/** Lines that look like the usual ones but differ in a way that matters. */
const awkward: Record<string, string> = {
  'the same shape': line(te(100)),
  'keys in another order': line(Object.fromEntries(Object.entries(te(101)).reverse())),
  'white space': JSON.stringify(te(102), null, 1).replace(/\n/g, ' '),
  'an escape in a string': line(te(103, { native_id: 'K\\T"1' })),
  'a unicode escape': line(te(104)).replace('"KT104"', '"K\\u0054104"'),
  'non-ASCII text': line(te(105, { native_id: 'Zürich 😀' })),
  'a tab inside a string': line(te(106, { native_id: 'a\tb' })),
  '16 significant digits': line(te(107)).replace('"bill_rate":150.25', '"bill_rate":1234567890123.456'),
  '15 significant digits': line(te(108)).replace('"bill_rate":150.25', '"bill_rate":123456789012.345'),
  'an exponent': line(te(109)).replace('"bill_rate":150.25', '"bill_rate":1.5e2'),
  'a huge exponent': line(te(110)).replace('"bill_rate":150.25', '"bill_rate":1e400'),
  'a negative number': line(te(111, { hours: -1 })),
  'minus zero': line(te(112)).replace(/"hours":[\d.]+/, '"hours":-0'),
  'trailing zeros': line(te(113)).replace(/"hours":[\d.]+/, '"hours":1.50'),
  'a leading zero (not JSON)': line(te(114)).replace(/"hours":[\d.]+/, '"hours":01.5'),
  'a number for a string field': line(te(115, { native_id: 42 })),
  'a string for a number field': line(te(116, { hours: '7.5' })),
  'a string for a boolean field': line(te(117, { billable: 'true' })),
  'null for a required field': line(te(118, { hours: null })),
  'null for an optional field': line(te(119, { native_id: null })),
  'a missing field': line((({ hours: _, ...rest }) => rest)(te(120))),
  'an unknown field': line(te(121, { colour: 'blue' })),
  'a duplicate key': line(te(122)).replace('"hours":', '"hours":1,"hours":'),
  'a bad date': line(te(123, { work_date: '2026-02-30' })),
  'a bad datetime': line(te(124, { approved_at: '2026-01-05 18:00' })),
  'a bad enum value': line(te(125, { status: 'maybe' })),
  'a bad currency': line(te(126, { currency: 'usd' })),
  'an empty key': line(te(127, { key: '' })),
  'a key too long': line(te(128, { key: 'K'.repeat(129) })),
  'a tombstone': line({ key: 'TE-129', deleted: true }),
  'a tombstone with fields': line(te(130, { deleted: true })),
  'deleted false': line(te(131, { deleted: false })),
  'a control character (not JSON)': line(te(132)).replace('"KT132"', '"K\u0001T"'),
  'cut off': line(te(133)).slice(0, 60),
  'an array': '[1,2]',
  'nested value': line(te(134, { native_id: { a: 1 } })),
  'a DEL character': line(te(135, { native_id: 'a\u007fb' })),
  'a decimal string of many digits': line(te(136, { bill_rate: '12345678901234567890.123456' })),
  'a number of twenty digits': line(te(137)).replace('"bill_rate":150.25', '"bill_rate":12345678901234567890'),
  'too many decimal places': line(te(138)).replace('"bill_rate":150.25', '"bill_rate":0.12345678901'),
  'a surrogate pair as escapes': line(te(139)).replace('"KT139"', '"K\\ud83d\\ude00"'),
  'null for the key': line(te(140, { key: null })),
  'unknown fields, one nested': line(te(141, { colour: 'blue', tags: { a: [1, 'x'] } })),
  'an unknown field of many digits': line(te(142)).replace('"currency":', '"big":123456789012345678901234567890,"currency":'),
}

describe('ingest fast path (line shapes)', () => {
  it('encodes every line exactly as the JSON.parse path does', () => {
    const fast = withLineShapes(compileCodec('time_entry'))
    const slow = compileCodec('time_entry')
    for (const l of usual) expect(fast.encode(l)).toEqual(slow.encode(l))
    expect(fast.fastReads).toBeGreaterThan(40)
    for (const [name, l] of Object.entries(awkward)) expect(fast.encode(l), name).toEqual(slow.encode(l))
  })

  it('takes the fast path only for lines JSON.parse reads to the same values', () => {
    const fast = withLineShapes(compileCodec('time_entry'))
    for (const l of usual) fast.encode(l)
    const took = (l: string) => {
      const before = fast.fastReads
      fast.encode(l)
      return fast.fastReads > before
    }
    expect(took(awkward['the same shape'])).toBe(true)
    expect(took(awkward['15 significant digits'])).toBe(true)
    expect(took(awkward['non-ASCII text'])).toBe(true)
    for (const name of ['white space', 'an escape in a string', 'a unicode escape', 'a tab inside a string', '16 significant digits', 'an exponent', 'a leading zero (not JSON)', 'a duplicate key', 'a control character (not JSON)', 'an unknown field', 'cut off'])
      expect(took(awkward[name]), name).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { csvHeader, csvRows } from '../server/exports/csv.ts'
import { fileName, neutralize, type Column } from '../server/exports/columns.ts'
import { stringify, dec } from '../server/lib/json.ts'
import { addDecimals } from '../server/lib/decimal.ts'

const cols: Column[] = [
  { key: 'k', header: 'Key', type: 'text' },
  { key: 'n', header: 'Amount', type: 'money' },
]

describe('CSV', () => {
  it('starts with a BOM and quotes per RFC 4180', () => {
    expect(csvHeader(cols)).toBe('\uFEFFKey,Amount\r\n')
    expect(csvRows(cols, [{ k: 'a,"b"', n: '-12.5' }])).toBe('"a,""b""",-12.5\r\n')
  })
  it.each(['=HYPERLINK("x")', '+1', '-1+1', '@SUM(A1)', '\tx', '\rx'])('neutralises %j', (s) => {
    expect(neutralize(s)).toBe(`'${s}`)
    expect(csvRows(cols, [{ k: s, n: '1' }]).startsWith(`'`) || csvRows(cols, [{ k: s, n: '1' }]).startsWith(`"'`)).toBe(true)
  })
  it('keeps a negative amount a number but neutralises formula text in a number column', () => {
    expect(csvRows(cols, [{ k: 'x', n: '-1' }])).toBe('x,-1\r\n')
    expect(csvRows(cols, [{ k: 'x', n: '-1+1' }])).toBe("x,'-1+1\r\n")
  })
  it('names files after what and when', () => {
    expect(fileName('reconciliation', ['psa-erp', 'time_entry'], '2026-06-30T12:00:00.000Z', 'csv')).toBe('crosswalk-reconciliation-psa-erp-time_entry-asof-20260630T120000Z.csv')
  })
})

describe('exact JSON', () => {
  it('writes decimals as number literals of their exact text', () => {
    expect(stringify({ a: dec('12345678901234.56789012'), b: dec(null), c: 'x' })).toBe('{"a":12345678901234.56789012,"b":null,"c":"x"}')
  })
})

describe('exact decimal sums', () => {
  it('adds decimal text exactly, printed as ClickHouse prints it', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3')
    expect(addDecimals('1234.5', '0.5')).toBe('1235')
    expect(addDecimals('-12.25', '2.25')).toBe('-10')
    expect(addDecimals('-0.75', '0.5')).toBe('-0.25')
    expect(addDecimals('0', '0')).toBe('0')
    expect(addDecimals('99999999999999999999999.9999999999999999', '0.0000000000000001')).toBe('100000000000000000000000')
    expect(addDecimals('5', '-5.0000000000000001')).toBe('-0.0000000000000001')
    expect(() => addDecimals('1e3', '1')).toThrow(/not a decimal/)
  })
})

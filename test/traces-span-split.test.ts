// Cutting span rows the engine refused (server/traces/span-split.ts): which errors are about the
// rows, and pieces by day (each under the partition limit) or in halves.
import { describe, expect, it } from 'vitest'
import { piecesOf, rejectsRows, rowsOf, tooManyPartitions } from '../server/traces/span-split.ts'

const chError = (type: string, message: string) => Object.assign(new Error(message), { type, code: '0' })
const PARTITIONS = chError('TOO_MANY_PARTS', 'Too many partitions for single INSERT block (more than 100). The limit is controlled by …')
const row = (day: string, n: number) => Buffer.from(`${day} 10:00:00.000000000\trow ${n}\n`)

describe('span-split', () => {
  it('tells rows the engine refuses from a passing failure', () => {
    expect(rejectsRows(chError('DECIMAL_OVERFLOW', 'Decimal math overflow'))).toBe(true)
    expect(rejectsRows(chError('CANNOT_PARSE_DATETIME', 'Cannot read DateTime'))).toBe(true)
    expect(rejectsRows(PARTITIONS)).toBe(true)
    expect(tooManyPartitions(PARTITIONS)).toBe(true)
    // Too many parts in one partition: merges catch up, the same rows load later.
    expect(rejectsRows(chError('TOO_MANY_PARTS', 'Too many parts (3001) in partition 20260101. Merges are processing significantly slower than inserts'))).toBe(false)
    expect(rejectsRows(chError('MEMORY_LIMIT_EXCEEDED', 'Memory limit exceeded'))).toBe(false)
    expect(rejectsRows(new Error('socket hang up'))).toBe(false)
  })

  it('splits a buffer into its rows, newline kept, a last row without one too', () => {
    expect(rowsOf(Buffer.from('a\nb\n\nc')).map(String)).toEqual(['a\n', 'b\n', '\n', 'c'])
    expect(rowsOf(Buffer.alloc(0))).toEqual([])
  })

  it('cuts by day into pieces of fewer days than the limit, each day whole', () => {
    const days = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`)
    const rows = [...days, ...days.slice(0, 3)].reverse().map(row)
    const pieces = piecesOf(rows, PARTITIONS, 4)!
    const daysOf = (p: Buffer[]) => [...new Set(p.map((r) => r.toString('latin1', 0, 10)))]
    expect(pieces.map(daysOf)).toEqual([days.slice(0, 3), days.slice(3, 6), days.slice(6, 9), days.slice(9)])
    expect(pieces.flat().length).toBe(rows.length)
    expect(pieces[0].length).toBe(6) // the three days that came twice
  })

  it('cuts in halves for any other refusal, or when the days are already few, and not a single row', () => {
    const rows = [1, 2, 3, 4, 5].map((n) => row('2024-01-01', n))
    expect(piecesOf(rows, chError('CANNOT_PARSE_TEXT', 'x'), 1000)!.map((p) => p.length)).toEqual([3, 2])
    expect(piecesOf(rows, PARTITIONS, 1000)!.map((p) => p.length)).toEqual([3, 2])
    expect(piecesOf(rows.slice(0, 1), PARTITIONS, 1000)).toBeNull()
  })
})

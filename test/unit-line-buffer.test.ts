// LineBuffer: lines in, bytes out; a fill that throws leaves nothing of itself behind (a span
// request whose rows cannot all be written must not have some of them logged with the next).
import { describe, expect, it } from 'vitest'
import { LineBuffer } from '../server/db/line-buffer.ts'

describe('LineBuffer', () => {
  it('keeps lines as UTF-8 and drops a failed append', () => {
    const b = new LineBuffer(8)
    b.push('plain')
    b.push('Zürich 😀')
    expect(() =>
      b.append((out) => {
        out.push('half of a request')
        throw new Error('cannot format')
      }),
    ).toThrow('cannot format')
    b.append((out) => out.push('next'))
    expect(b.bytes().toString('utf8')).toBe('plain\nZürich 😀\nnext\n')
    expect(b.lines).toBe(3)
  })
})

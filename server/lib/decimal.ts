// Exact arithmetic on decimal text, as ClickHouse hands decimals over (never through a float).

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

function scaled(text: string): [bigint, number] {
  const m = DECIMAL.exec(text)
  if (!m) throw new Error(`not a decimal: ${text}`)
  const frac = m[3] ?? ''
  const n = BigInt(m[2] + frac)
  return [m[1] ? -n : n, frac.length]
}

/** The exact sum, printed as ClickHouse prints a decimal: no trailing zeros, no lone point. */
export function addDecimals(a: string, b: string): string {
  const [x, sx] = scaled(a)
  const [y, sy] = scaled(b)
  const scale = Math.max(sx, sy)
  const sum = x * 10n ** BigInt(scale - sx) + y * 10n ** BigInt(scale - sy)
  const digits = (sum < 0n ? -sum : sum).toString().padStart(scale + 1, '0')
  const int = digits.slice(0, digits.length - scale)
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '')
  return `${sum < 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`
}

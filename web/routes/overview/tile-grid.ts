// Which tiles widen to close the last row of four (pages.css does the same with selectors).

/** Three left over: the last spans two; two left over: both do; one: it spans the row. Wide tiles get the long sparkline. */
export const wideTile = (i: number, n: number) => n % 4 !== 0 && i >= n - (n % 4 === 2 ? 2 : 1)

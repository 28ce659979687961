// Progress for long uploads: a redrawn bar on a TTY, nothing until the summary otherwise.
export class Progress {
  private started = Date.now()
  private lastDraw = 0
  constructor(
    private total: number, // bytes, 0 when unknown
    private out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(rows: number, bytes: number, force = false): void {
    if (!this.out.isTTY) return
    const now = Date.now()
    if (!force && now - this.lastDraw < 100) return
    this.lastDraw = now
    const secs = Math.max((now - this.started) / 1000, 0.001)
    const rate = rows / secs
    const share = this.total ? Math.min(bytes / this.total, 1) : 0
    const eta = share > 0 ? (secs / share) * (1 - share) : NaN
    const width = 24
    const filled = Math.round(share * width)
    const bar = this.total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ` : ''
    this.out.write(`\r${bar}${rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s  ETA ${fmtSecs(eta)}   `)
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n')
  }

  elapsed(): number {
    return (Date.now() - this.started) / 1000
  }
}

function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return '--'
  if (s < 60) return `${Math.ceil(s)}s`
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`
}

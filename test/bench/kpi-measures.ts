// `npm run bench -- kpi-measures`: gross_margin, forecast_accuracy and bench_capacity on the
// seeded firm (BENCH_ROWS entries, default 10,000,000), computed in process from history and
// from the derived facts (cold: each call its own), then through the API: the KPI by each
// dimension, a page of its records and the weekly chart. Runs on a copy of the cached firm dir
// (BENCH_KEEP_COPY=1 keeps it), so a concurrent bench on the same firm is not disturbed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { seedFirmDir } from './firm.ts'
import { start } from '../../server/serve.ts'
import { computeKpi } from '../../server/kpis/compute.ts'
import { KPIS, type KpiName } from '../../server/kpis/catalog.ts'

const NAMES: KpiName[] = ['gross_margin', 'forecast_accuracy', 'bench_capacity']
const log = (s: string) => console.error(`[kpi-measures] ${s}`)

async function timed<T>(run: () => Promise<T>): Promise<number> {
  const t = performance.now()
  await run()
  return performance.now() - t
}

export interface MeasureRow { what: string; history: number[]; derived: number[] }

export async function benchKpiMeasures(entries: number, runs = 3) {
  const { dir, meta } = await seedFirmDir(entries)
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-kpim-'))
  log(`copying ${dir} to ${copy}`)
  execFileSync('cp', ['-a', '--reflink=auto', `${dir}/.`, copy])
  const server = await start({ dataDir: copy, port: 0, adminToken: 'bench', log: () => {}, detectInterval: 0 })
  const out: { rows: MeasureRow[]; api: Array<{ url: string; ms: number[] }>; asOf: string } = { rows: [], api: [], asOf: meta.asOf }
  try {
    log('waiting for the derived tables')
    await server.services.derived.idle()
    const asOf = new Date(meta.asOf)
    const to = meta.asOf.slice(0, 10)
    const from = `${to.slice(0, 4)}-01-01`
    for (const name of NAMES)
      for (const by of [undefined, ...KPIS[name].dims]) {
        const row: MeasureRow = { what: `${name} by ${by ?? '-'}`, history: [], derived: [] }
        for (let i = 0; i < runs; i++)
          for (const history of [true, false]) row[history ? 'history' : 'derived'].push(await timed(() => computeKpi(server.db, name, { from, to, asOf, by, history })))
        log(`${row.what}: history ${row.history.map(Math.round).join('/')} ms, derived ${row.derived.map(Math.round).join('/')} ms`)
        out.rows.push(row)
      }
    const q = `from=${from}&to=${to}`
    const urls = [
      ...NAMES.map((n) => `/api/v1/kpis/${n}?${q}&by=practice`),
      ...NAMES.map((n) => `/api/v1/kpis/${n}/records?${q}&limit=100`),
      ...NAMES.map((n) => `/api/v1/kpis/${n}/records?${q}&limit=100&by=practice&group=Strategy`),
      `/api/v1/kpis/forecast_accuracy/weekly?${q}&practice=Strategy`,
    ]
    for (const url of urls) {
      const ms: number[] = []
      // Distinct explicit as_of per call (1 ms apart): every call is a cache miss.
      for (let i = 0; i < runs; i++) {
        const at = new Date(asOf.getTime() + i + 1).toISOString()
        ms.push(await timed(async () => {
          const res = await fetch(`${server.url}${url}&as_of=${at}`, { headers: { authorization: 'Bearer bench' } })
          if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`)
          await res.arrayBuffer()
        }))
      }
      log(`${url}: ${ms.map(Math.round).join('/')} ms`)
      out.api.push({ url, ms })
    }
  } finally {
    await server.close()
    if (process.env.BENCH_KEEP_COPY !== '1') fs.rmSync(copy, { recursive: true, force: true })
  }
  return out
}

export function reportKpiMeasures(r: Awaited<ReturnType<typeof benchKpiMeasures>>): string {
  const f = (xs: number[]) => xs.map((x) => Math.round(x)).join(' / ')
  return [
    `KPI measures, as of ${r.asOf}, year to date, cold (ms per run)`,
    ...r.rows.map((x) => `  ${x.what.padEnd(32)} history ${f(x.history).padEnd(24)} derived ${f(x.derived)}`),
    'API (cache misses)',
    ...r.api.map((x) => `  ${x.url.padEnd(96)} ${f(x.ms)}`),
  ].join('\n')
}

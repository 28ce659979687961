// The imitation side of `npm run bench -- connectors`, in its own process so that its CPU and RSS
// are its own: a synthetic PSA firm (BENCH_ROWS time entries on 500 people and 200 projects)
// turned into the vendor's native records by nativeFirm's converters, served frozen (sorted
// listings and indexes kept, each page serialised once and then replayed as bytes).
// argv: VENDOR ROWS. IPC: sends {url} once serving; answers 'usage' with {cpuMs, rssMb}; exits on 'stop'.
import { startImitation, type ImitationType } from '../../ingest/imitations/index.ts'
import { harvestNative } from '../../ingest/imitations/native/harvest.ts'
import { kantataNative } from '../../ingest/imitations/native/kantata.ts'
import { netsuiteNative } from '../../ingest/imitations/native/netsuite.ts'
import type { Feed, Rec } from '../../ingest/imitations/native/shared.ts'

const vendor = process.argv[3] as ImitationType
const rows = Number(process.argv[4] ?? 1_000_000)
const MODIFIED = '2026-06-28T00:00:00Z'

/** A synthetic PSA/ERP firm in canonical records: people, projects, and `n` time entries. */
export function syntheticFirm(n: number): Record<string, Rec[]> {
  const resource: Rec[] = []
  for (let i = 0; i < 500; i++) {
    resource.push({
      key: `E${String(i).padStart(5, '0')}`, name: `Person ${i} Example`, email: `p${i}@example.com`, status: 'active', employment_type: 'employee',
      practice: 'Consulting', region: 'EMEA', hire_date: '2024-01-15', cost_rate: '80.00', currency: 'USD', weekly_capacity_hours: '40',
    })
  }
  const project: Rec[] = []
  for (let i = 0; i < 200; i++) {
    project.push({
      key: `PRJ-${String(i).padStart(5, '0')}`, name: `Project ${i}`, status: 'active', billing_type: 'time_and_materials', account_key: `ACC-${i % 50}`,
      start_date: '2025-01-01', end_date: '2026-12-31', currency: 'USD', budget_amount: '250000.00', budget_hours: '2000',
    })
  }
  const hours = ['8', '7.5', '4.25', '1', '2.5', '6']
  const statuses = ['approved', 'approved', 'submitted', 'draft', 'approved', 'rejected']
  const rates = ['120', '150.50', '95', '210']
  const time_entry: Rec[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const day = 1 + (i % 28)
    const month = 1 + (Math.floor(i / 28) % 12)
    const status = statuses[i % statuses.length]
    time_entry[i] = {
      key: `TE-${String(i).padStart(7, '0')}`, resource_key: resource[i % 500].key, project_key: project[(i * 7) % 200].key,
      work_date: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, hours: hours[i % hours.length], billable: i % 5 !== 0,
      status, bill_rate: rates[i % rates.length], currency: 'USD',
      ...(status === 'approved' ? { approved_at: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T14:00:00.000Z` } : {}),
    }
  }
  return { resource, project, time_entry, assignment: [], expense: [], invoice: [] }
}

function nativeData(type: ImitationType, n: number): unknown {
  const firm = syntheticFirm(n)
  const feed: Feed = { get: (e) => firm[e] ?? [], lost: () => {} }
  const none: Feed = { get: () => [], lost: () => {} }
  if (type === 'kantata') return kantataNative(feed, MODIFIED)
  if (type === 'harvest') return harvestNative(feed, none, MODIFIED)
  if (type === 'netsuite') return netsuiteNative(feed, firm.resource, MODIFIED)
  throw new Error(`no synthetic data for ${type}`)
}

const t0 = performance.now()
const data = nativeData(vendor, rows)
const generatedMs = performance.now() - t0
const options: Record<string, unknown> = { data, frozen: true }
// Harvest allows 100 requests per 15 s: lifted here (the bench measures our cost, not Harvest's limit).
if (vendor === 'harvest') options.requestsPer15s = 1e9
if (vendor === 'netsuite') options.offsetCap = 100_000
const im = await startImitation(vendor, options as never)
process.send!({ url: im.url, generatedMs, rssMb: process.memoryUsage().rss / 2 ** 20 })
process.on('message', (m: string) => {
  if (m === 'usage') {
    const u = process.cpuUsage()
    process.send!({ cpuMs: (u.user + u.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20, requests: im.stats.requests })
  } else if (m === 'stop') void im.close().then(() => process.exit(0))
})

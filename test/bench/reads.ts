// Read load on a seeded firm (`npm run bench -- reads`; BENCH_ROWS time entries, default
// 10,000,000; BENCH_READERS concurrent readers, default 50; BENCH_SECONDS, default 60): a server
// in a child process on the cached data dir of firm.ts, one detection run at the firm's as_of,
// a warm-up pass over every distinct URL, then the load (half the overview's first load, half
// varied reads), one reader alone, and one reader asking KPIs as of instants in the history.
// Latency by route: p50/p95/p99 of requests that completed, errors (non-2xx or network).
// BENCH_WARMUP_CONCURRENCY (default 4) sets how many warm-up requests run at a time. The first run
// of a size seeds its firm (firm.ts seedFirmDir: ~1 min at 10,000,000 entries) and the server may
// then build its derived tables in that dir before it is ready; later runs reuse both.
import { Rng } from '../../ingest/demo/rng.ts'
import { seedFirmDir, type FirmMeta } from './firm.ts'
import { TOKEN, fmt, sampleRss, spawnServer } from './harness.ts'
import { overviewPicks, pastPicks, routeOf, variedPicks, type KpiDef, type Pick } from './reads-mix.ts'

const HEADERS = { authorization: `Bearer ${TOKEN}` }
const log = (s: string) => console.error(`[reads] ${s}`)

export interface RouteRow { route: string; count: number; errors: number; p50: number; p95: number; p99: number }
export interface Phase { name: string; readers: number; secs: number; requests: number; errors: number; rps: number; routes: RouteRow[] }

class Stats {
  private readonly routes = new Map<string, { ms: number[]; errors: number }>()
  private readonly t0 = performance.now()
  add(url: string, ms: number, ok: boolean): void {
    const r = this.routes.get(routeOf(url)) ?? { ms: [], errors: 0 }
    this.routes.set(routeOf(url), r)
    if (ok) r.ms.push(ms)
    else r.errors++
  }
  phase(name: string, readers: number): Phase {
    const secs = (performance.now() - this.t0) / 1000
    const pct = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)] : NaN)
    const routes = [...this.routes].map(([route, r]) => {
      const ms = r.ms.sort((a, b) => a - b)
      return { route, count: ms.length + r.errors, errors: r.errors, p50: pct(ms, 0.5), p95: pct(ms, 0.95), p99: pct(ms, 0.99) }
    }).sort((a, b) => b.count - a.count)
    const requests = routes.reduce((n, r) => n + r.count, 0)
    return { name, readers, secs, requests, errors: routes.reduce((n, r) => n + r.errors, 0), rps: requests / secs, routes }
  }
}

/** One GET: the body is parsed when asked for (cursors), else read and dropped. */
async function get(base: string, url: string, stats: Stats, json: boolean): Promise<{ items?: unknown[]; next_cursor?: string | null } | null> {
  const t = performance.now()
  try {
    const res = await fetch(base + url, { headers: HEADERS })
    let body = null
    if (json && res.ok) body = (await res.json()) as { items?: unknown[]; next_cursor?: string | null }
    else for await (const _ of res.body ?? []);
    stats.add(url, performance.now() - t, res.ok)
    return body
  } catch {
    stats.add(url, performance.now() - t, false)
    return null
  }
}

/** The URL of the next page: the same question with `cursor` and the next page's `limit` (keys sorted, as the dashboard builds it). */
function nextPage(url: string, cursor: string, limit: number): string {
  const [path, query] = url.split('?')
  const q = new URLSearchParams(query)
  q.set('cursor', cursor)
  q.set('limit', String(limit))
  q.sort()
  return `${path}?${q}`
}

async function runPick(base: string, pick: Pick, stats: Stats, rng: Rng): Promise<void> {
  let body = await get(base, pick.url, stats, pick.follow !== undefined)
  const f = pick.follow
  if (!f) return
  const pages = f.pages !== undefined ? rng.int(1, f.pages) : Infinity
  let items = body?.items?.length ?? 0
  for (let n = 0; body?.next_cursor && n < pages && items < (f.maxItems ?? Infinity); n++) {
    body = await get(base, nextPage(pick.url, body.next_cursor, f.nextLimit), stats, true)
    items += body?.items?.length ?? 0
  }
}

/** `readers` loops of picks for `secs` seconds; a pick under way when time is up finishes and counts. */
async function load(base: string, name: string, readers: number, secs: number, choose: (rng: Rng) => Pick): Promise<Phase> {
  log(`${name}: ${readers} reader(s) for ${secs} s`)
  const stats = new Stats()
  const end = performance.now() + secs * 1000
  await Promise.all(Array.from({ length: readers }, async (_, i) => {
    const rng = new Rng(1000 + i * 7919)
    while (performance.now() < end) await runPick(base, choose(rng), stats, rng)
  }))
  return stats.phase(name, readers)
}

async function waitReady(base: string): Promise<{ healthSecs: number; fastPathSecs: number | null }> {
  const t0 = performance.now()
  let healthSecs = -1
  let fastPath = false
  for (;;) {
    const body = await fetch(`${base}/api/v1/health`).then(async (r) => (r.ok ? ((await r.json()) as { fast_path?: { state?: string; pending_batches?: number } }) : null), () => null)
    if (body && healthSecs < 0) {
      healthSecs = (performance.now() - t0) / 1000
      log(`health answered 200 after ${healthSecs.toFixed(1)} s`)
    }
    if (body && body.fast_path?.state !== 'building' && !body.fast_path?.pending_batches) {
      const secs = (performance.now() - t0) / 1000
      if (fastPath) log(`fast path ${body.fast_path?.state} after ${secs.toFixed(1)} s`)
      return { healthSecs, fastPathSecs: body.fast_path ? secs : null }
    }
    if (body && !fastPath) log('waiting for the fast path (fast_path.state = building, or batches pending)')
    fastPath ||= body !== null
    await new Promise((r) => setTimeout(r, 1000))
  }
}

export async function benchReads(entries = 10_000_000, readers = 50, seconds = 60) {
  const t0 = performance.now()
  const { dir, meta, seeded } = await seedFirmDir(entries)
  const seedSecs = (performance.now() - t0) / 1000
  log(`${seeded ? `seeded in ${seedSecs.toFixed(0)} s` : 'cached'}: ${dir}`)
  const server = await spawnServer(dir)
  const rss = sampleRss(server.proc.pid!)
  try {
    const base = server.url
    const ready = await waitReady(base)
    const t1 = performance.now()
    const detected = (await (await fetch(`${base}/api/v1/detect?as_of=${meta.asOf}`, { method: 'POST', headers: HEADERS })).json()) as { detected?: number }
    const detectSecs = (performance.now() - t1) / 1000
    log(`detection at ${meta.asOf}: ${detectSecs.toFixed(1)} s, ${detected.detected} exceptions`)
    const getJson = async <T>(path: string) => (await (await fetch(`${base}/api/v1${path}`, { headers: HEADERS })).json()) as T
    const catalog = (await getJson<{ items: KpiDef[] }>('/kpis')).items
    const groups = async (by: string) => (await getJson<{ items: { group: string }[] }>(`/exceptions/summary?by=${by}`)).items.map((g) => g.group)
    const overview = overviewPicks(new Date())
    const varied = variedPicks(catalog, new Date(meta.asOf), { rules: await groups('rule'), owners: await groups('owner') })
    const past = pastPicks(catalog, meta.pastAsOf)
    const mix = (rng: Rng) => (rng.next() < 0.5 ? rng.pick(overview) : rng.pick(varied))

    // Warm-up: each distinct URL once, a few at a time.
    const warm = new Stats()
    const queue = [...overview, ...varied]
    const concurrency = Number(process.env.BENCH_WARMUP_CONCURRENCY ?? 4)
    log(`warm-up: ${queue.length} URLs, ${concurrency} at a time`)
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await get(base, p.url, warm, false)
    }))
    const warmup = warm.phase('warm-up', concurrency)
    const phases = [
      await load(base, 'load', readers, seconds, mix),
      await load(base, 'one reader', 1, Math.min(seconds, 30), mix),
      await load(base, 'time travel (as_of in the history)', 1, Math.min(seconds, 30), (rng) => rng.pick(past)),
    ]
    return { entries, meta, dir, seeded, seedSecs, ...ready, detectSecs, detected: detected.detected ?? 0, urls: { overview: overview.length, varied: varied.length, past: past.length }, warmup, phases, serverPeakMb: rss.stop() }
  } finally {
    await server.stop()
  }
}

const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : fmt(x))

function table(p: Phase): string {
  const w = Math.max(28, ...p.routes.map((r) => r.route.length))
  const head = `    ${'route'.padEnd(w)} ${'count'.padStart(7)} ${'errors'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`
  const rows = p.routes.map((r) => `    ${r.route.padEnd(w)} ${fmt(r.count).padStart(7)} ${fmt(r.errors).padStart(6)} ${ms(r.p50).padStart(8)} ${ms(r.p95).padStart(8)} ${ms(r.p99).padStart(8)}`)
  return [`  ${p.name}: ${p.readers} reader(s), ${p.secs.toFixed(1)} s, ${fmt(p.requests)} requests (${p.errors} errors), ${p.rps.toFixed(2)} req/s`, head, ...rows].join('\n')
}

export function reportReads(r: Awaited<ReturnType<typeof benchReads>>): string {
  const m: FirmMeta = r.meta
  return [
    `reads: a firm of ${fmt(r.entries)} PSA time entries (${fmt(m.counts.resources_hr)} people, ${fmt(m.counts.projects_erp)} projects), as_of ${m.asOf}`,
    `  data dir ${r.dir} (${r.seeded ? `seeded now in ${r.seedSecs.toFixed(0)} s` : 'cached'}); server ready ${r.healthSecs.toFixed(1)} s` +
      (r.fastPathSecs !== null ? `, fast path ready ${r.fastPathSecs.toFixed(1)} s` : '') +
      `; detection ${r.detectSecs.toFixed(1)} s (${fmt(r.detected)} exceptions); server peak RSS ${fmt(r.serverPeakMb)} MB`,
    `  URLs: overview ${r.urls.overview}, varied ${r.urls.varied}, time travel ${r.urls.past}`,
    table(r.warmup),
    ...r.phases.map(table),
  ].join('\n')
}

// The dashboard in Chromium (npm run bench -- ui): the overview's time to interactive, to all KPI
// values and to all charts, cold (a new browser context per visit, after one warm visit that
// fills the server's caches, as on any morning after the first reader), and the frame times of
// a 100,000-row exception list scrolled top to bottom. Reports; the browser tests check only
// what these rest on, not how fast (a loaded machine would fail them by chance).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'
import { frameTimes, percentile, timeOverview, type OverviewTimes } from '../e2e/measure.ts'
import { ROOT, TOKEN, spawnServer } from './harness.ts'

const VISITS = Number(process.env.BENCH_UI_VISITS ?? 5)
/** An admin signs in, so the exception list is readable too. */
const EXEC = { name: 'Bench Admin', email: 'bench.admin@firm.example', role: 'admin', password: 'correct horse bench 1' }

export async function benchUi() {
  if (!fs.existsSync(path.join(ROOT, 'dist/web/index.html'))) execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-ui-'))
  const server = await spawnServer(dir, {}, ['--demo'])
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
  try {
    await waitForDemo(server.url)
    const created = await fetch(`${server.url}/api/v1/users`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(EXEC) })
    if (!created.ok) throw new Error(`adding a user: HTTP ${created.status}`)
    const visits: OverviewTimes[] = []
    for (let i = 0; i <= VISITS; i++) {
      const context = await newContext(browser, server.url)
      const r = await context.request.post('/api/v1/auth/login', { data: { email: EXEC.email, password: EXEC.password } })
      if (!r.ok()) throw new Error(`sign-in: HTTP ${r.status()}`)
      const kpis = await context.request.get('/api/v1/kpis')
      if (!kpis.ok()) throw new Error(`kpis: HTTP ${kpis.status()}`)
      const t = await timeOverview(context, ((await kpis.json()) as { items: unknown[] }).items.length)
      if (i > 0) visits.push(t) // the first visit warms the server
      await context.close()
    }
    return { visits, frames: await scrollFrames(browser, server.url) }
  } finally {
    await browser.close()
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The bench runs under tsx, whose transform names functions with a `__name` helper that a page
 * does not have: functions sent to the page would fail without this stand-in.
 */
async function newContext(browser: Awaited<ReturnType<typeof chromium.launch>>, baseURL: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })
  await context.addInitScript({ content: 'window.__name = (f) => f' })
  return context
}

async function waitForDemo(base: string) {
  for (let i = 0; i < 600; i++) {
    const h = (await (await fetch(`${base}/api/v1/health`)).json()) as { demo: string | null }
    if (h.demo === 'loaded') return
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error('the demo firm did not load in 5 minutes')
}

/** 100,000 exceptions served by the page's own route handler, scrolled top to bottom. */
async function scrollFrames(browser: Awaited<ReturnType<typeof chromium.launch>>, base: string) {
  const context = await newContext(browser, base)
  await context.request.post('/api/v1/auth/login', { data: { email: EXEC.email, password: EXEC.password } })
  const page = await context.newPage()
  const TOTAL = 100_000
  const item = (i: number) => ({
    id: `id${String(i).padStart(6, '0')}`, rule: 'time_entry_hours_mismatch', entity_type: 'time_entry', entity_key: `TE-${String(i).padStart(7, '0')}`,
    systems: ['kantata', 'netsuite'], severity: 'medium', owner: 'finance-ops', status: 'open', resolution: null, amount_at_risk: TOTAL - i, currency: 'USD',
    practice: 'Technology', region: 'NA', first_detected_at: '2026-11-01T00:00:00Z', last_detected_at: '2026-11-01T00:00:00Z', due_at: '2026-12-01T00:00:00Z', overdue: false, details: {},
  })
  await page.route(/\/api\/v1\/exceptions\?/, (route) => {
    const u = new URL(route.request().url())
    const from = Number(u.searchParams.get('cursor') ?? 0)
    const to = Math.min(TOTAL, from + (from === 0 ? Number(u.searchParams.get('limit') ?? 50) : 10_000))
    return route.fulfill({ json: { items: Array.from({ length: to - from }, (_, k) => item(from + k)), next_cursor: to < TOTAL ? String(to) : null } })
  })
  await page.goto('/exceptions')
  const table = page.getByTestId('exception-table')
  for (let i = 0; i < 400 && (await table.getAttribute('data-rows')) !== String(TOTAL); i++) {
    await table.locator('.vscroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.waitForTimeout(50)
  }
  const frames = await frameTimes(page, '[data-testid=exception-table] .vscroll')
  await context.close()
  return frames
}

export function reportUi(r: Awaited<ReturnType<typeof benchUi>>): string {
  const med = (k: keyof OverviewTimes) => Math.round(percentile(r.visits.map((v) => v[k]), 0.5))
  const max = (k: keyof OverviewTimes) => Math.round(Math.max(...r.visits.map((v) => v[k])))
  return [
    `dashboard in Chromium: the demo firm's overview, ${r.visits.length} cold visits after a warm one (median / slowest, ms from navigation start)`,
    `  interactive ${med('interactive')} / ${max('interactive')}, every KPI value ${med('tiles')} / ${max('tiles')}, all charts ${med('charts')} / ${max('charts')}; initial JS ${(r.visits[0].jsBytes / 1024).toFixed(1)} KB gzipped in ${r.visits[0].jsFiles} files`,
    `  100,000-row exception list scrolled top to bottom: ${r.frames.length} frames, median ${percentile(r.frames, 0.5).toFixed(1)} ms, p95 ${percentile(r.frames, 0.95).toFixed(1)} ms per frame`,
  ].join('\n')
}

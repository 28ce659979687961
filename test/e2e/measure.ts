// Timings of the dashboard in a browser, shared by the browser tests (which check what the page
// does, not how fast: a loaded machine would fail them by chance) and `npm run bench -- ui`
// (which reports the times). Times are taken in the page as each state is reached.
import type { BrowserContext, Page } from '@playwright/test'
import { gzipSync } from 'node:zlib'

export interface OverviewTimes {
  /** ms from navigation start: the period picker and tile frames on screen, input answered, every KPI's value, all charts. */
  shell: number
  interactive: number
  tiles: number
  charts: number
  /** Initial JS, gzipped, and how many files. */
  jsBytes: number
  jsFiles: number
}

/**
 * Loads the overview in a fresh page of `context` (already signed in) and times it. `tiles` is
 * how many KPI tiles it has (the catalogue's length, GET /api/v1/kpis).
 */
export async function timeOverview(context: BrowserContext, tiles: number): Promise<OverviewTimes> {
  const page = await context.newPage()
  const js: number[] = []
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'script') js.push(gzipSync(await r.body()).length)
  })
  await page.addInitScript((tiles) => {
    const w = window as unknown as { cwTimes: Record<string, number> }
    w.cwTimes = {}
    const check = () => {
      const t = performance.now()
      const c = w.cwTimes
      if (!c.shell && document.querySelector('[data-testid=period]')) {
        c.shell = t
        // Interactive once the main thread is free to handle input: a task posted now runs.
        setTimeout(() => (c.interactive = performance.now()), 0)
      }
      if (!c.tiles && document.querySelectorAll('[data-testid^=kpi-][data-loaded=true]').length >= tiles) c.tiles = t
      if (!c.charts && document.querySelectorAll('.chart[data-rendered=true]').length >= 6 && !document.querySelector('.skeleton, [data-testid=skeleton]')) c.charts = t
    }
    new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true })
  }, tiles)
  await page.goto('/')
  const times = () => page.evaluate(() => (window as unknown as { cwTimes: Record<string, number> }).cwTimes)
  // A budget, not a measurement: the times are taken in the page.
  await page.waitForFunction(() => {
    const c = (window as unknown as { cwTimes: Record<string, number> }).cwTimes
    return Boolean(c.tiles && c.charts)
  }, null, { timeout: 120_000, polling: 50 })
  const t = await times()
  await page.close()
  return { shell: t.shell, interactive: t.interactive, tiles: t.tiles, charts: t.charts, jsBytes: js.reduce((n, b) => n + b, 0), jsFiles: js.length }
}

/** Scrolls an element top to bottom a frame at a time: each frame's time, ms. */
export async function frameTimes(page: Page, selector: string): Promise<number[]> {
  return page.locator(selector).evaluate(
    (el) =>
      new Promise<number[]>((done) => {
        el.scrollTop = 0
        // Read the sizes once: reading them each frame would force a layout the measurement
        // would then charge to the table.
        const height = el.scrollHeight
        const end = height - el.clientHeight
        const times: number[] = []
        let top = 0
        let last = performance.now()
        const step = () => {
          const now = performance.now()
          times.push(now - last)
          last = now
          top += height / 240
          el.scrollTop = top
          if (top < end && times.length < 400) requestAnimationFrame(step)
          else done(times.slice(1))
        }
        requestAnimationFrame(step)
      }),
  )
}

export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

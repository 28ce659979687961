// Serves the dashboard's Vite build (dist/web) from the same server, with an index.html
// fallback for client-side routes.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import type { AppEnv } from './context.ts'
import { badRequest } from './lib/errors.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const WEB_DIST = path.join(ROOT, 'dist/web')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export function staticWeb(app: Hono<AppEnv>): void {
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/v1/')) return next()
    let decoded: string
    try {
      decoded = decodeURIComponent(c.req.path)
    } catch {
      throw badRequest('bad_uri', 'The URL is not valid: a % must be followed by two hex digits of UTF-8.')
    }
    const rel = path.normalize(decoded).replace(/^(\.\.[/\\])+/, '')
    let file = path.join(WEB_DIST, rel)
    if (!file.startsWith(WEB_DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(WEB_DIST, 'index.html')
    if (!fs.existsSync(file))
      return c.text('The dashboard is not built yet: run `npm run build`, or restart `crosswalk serve` (it builds it when missing).', 404)
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream'
    const immutable = file.includes(`${path.sep}assets${path.sep}`)
    return c.body(fs.readFileSync(file), 200, {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
  })
}

/**
 * `crosswalk serve` as installed: `npm install` builds the dashboard (the `prepare` script); where
 * that did not happen (installed without dev dependencies, or dist/ removed) it is built here,
 * once, on the first start. Answers whether a build was attempted. A failed build leaves the
 * API running and says how to build by hand.
 */
export async function ensureWebBuilt(log: (line: string) => void, dir = WEB_DIST, build: (dir: string) => Promise<void> = buildWithVite): Promise<boolean> {
  if (fs.existsSync(path.join(dir, 'index.html'))) return false
  log(`The dashboard is not built yet (${dir}): building it now, once; this takes a minute.`)
  try {
    await build(dir)
    log('The dashboard is built.')
  } catch (e) {
    log(`Could not build the dashboard (${(e as Error).message.split('\n')[0]}): the API runs without it; run \`npm run build\` in ${ROOT}.`)
  }
  return true
}

/** Vite is a dev dependency: present in a clone or a full install, absent with --omit=dev. */
async function buildWithVite(dir: string): Promise<void> {
  const vite = await import('vite')
  await vite.build({ root: path.join(ROOT, 'web'), configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir: dir, emptyOutDir: true } })
}

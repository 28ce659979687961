// Serves the dashboard's Vite build (dist/web) from the same server, with an index.html
// fallback for client-side routes.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import type { AppEnv } from './context.ts'

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/web')

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
    const rel = path.normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.[/\\])+/, '')
    let file = path.join(WEB_DIST, rel)
    if (!file.startsWith(WEB_DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(WEB_DIST, 'index.html')
    if (!fs.existsSync(file))
      return c.text('The dashboard is not built yet: run `npm run build` (npm start does it for you).', 404)
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream'
    const immutable = file.includes(`${path.sep}assets${path.sep}`)
    return c.body(fs.readFileSync(file), 200, {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
  })
}

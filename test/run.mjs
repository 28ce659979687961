#!/usr/bin/env node
// `npm test`: the type check, the Vitest suites (unit and integration, on the real embedded
// engine), the integration suites again through a ClickHouse server (CLICKHOUSE_URL, served by
// test/support/clickhouse-http over the engine: vite.config.ts lists what that pass leaves out),
// then the Playwright suites in Chromium. Finds a browser itself: CHROMIUM_PATH, else
// a system Chromium/Chrome, else installs Debian's chromium when root with apt.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium']

function findBrowser() {
  if (process.env.CHROMIUM_PATH) {
    if (fs.existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH
    console.error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which does not exist.`)
    process.exit(1)
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p))
  if (found) return found
  const isRoot = process.getuid?.() === 0
  const hasApt = fs.existsSync('/usr/bin/apt-get')
  if (isRoot && hasApt) {
    console.log('No Chromium found: installing Debian chromium with apt-get…')
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  }
  console.error('No Chromium or Chrome found: install one (e.g. `sudo apt-get install chromium`) or set CHROMIUM_PATH to its executable, then run npm test again.')
  process.exit(1)
}

const args = process.argv.slice(2)
// Types first (strict TypeScript, including web/lib/api-check.ts: the dashboard's view of each
// answer must fit what the server's routes return), unless a single file was asked for.
let status = args.length === 0 ? run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']) : 0
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')
const timed = (label, fn) => {
  const t0 = Date.now()
  const code = fn()
  console.log(`${label}: ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  return code
}
const embedded = timed('Vitest, embedded engine', () => run(process.execPath, [vitest, 'run', ...args]))
status ||= embedded
// The server path: the same integration files (or those asked for), each Crosswalk server on a
// ClickHouse HTTP test server (CROSSWALK_TEST_STORAGE=server; unit files have no storage).
const intArgs = args.filter((a) => !a.endsWith('.test.ts') || a.endsWith('.int.test.ts'))
if (args.length === 0 || intArgs.some((a) => a.endsWith('.int.test.ts'))) {
  const onServer = timed('Vitest, ClickHouse server path', () => run(process.execPath, [vitest, 'run', ...intArgs], { CROSSWALK_TEST_STORAGE: 'server' }))
  status ||= onServer
}

// The fault suite (test/faults/): servers killed with SIGKILL at seeded random points, a data dir
// filling up or turning read-only; about two minutes. Only on a whole run.
const faults = args.length === 0 ? timed('Vitest, fault suite', () => run(process.execPath, [vitest, 'run', '-c', 'test/faults/vitest.config.ts'])) : 0
status ||= faults

const e2e = path.join(root, 'test/e2e')
const hasE2e = fs.existsSync(e2e) && fs.readdirSync(e2e).some((f) => f.endsWith('.spec.ts'))
if (hasE2e && args.length === 0) {
  const browser = findBrowser()
  const built = run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'])
  status ||= built
  // Run whatever failed before (`status ||= run(…)` would skip the browser tests after a failure).
  const browserTests = built === 0 ? run(process.execPath, [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'test/e2e/playwright.config.ts'], { CHROMIUM_PATH: browser, CW_SKIP_BUILD: '1' }) : 1
  status ||= browserTests
}
process.exit(status)

// Builds the dashboard, starts `crosswalk serve --demo` on a fresh temp data dir and a free port
// on 127.0.0.1, waits for the demo firm, and creates one user per role. Tests read the address,
// the admin token and the users from process.env (set here, inherited by the workers).
// The demo sources are configured as `crosswalk serve` has them, except that Workday has a
// connector (on demand only, so nothing pulls unasked) reading a local imitation of Workday's
// report API, which serves the demo firm's own HR records: a pull re-reads what the demo sent
// (a Workday pull is a full listing), so it changes no number another test checks.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_SEED, generateFirm } from '../../ingest/demo/generate.ts'
import { canonicalOf } from '../../ingest/cli/serve-apis.ts'
import { nativeFirm, startWorkdayImitation } from '../../ingest/imitations/index.ts'
import { DEMO_SOURCES } from '../../server/config/load.ts'
import { ADMIN_TOKEN, ROLE_USERS, WORKDAY_AUTH } from './env.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export default async function globalSetup() {
  if (!process.env.CW_SKIP_BUILD) execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-e2e-'))
  const workday = await startWorkdayImitation({ data: nativeFirm(canonicalOf(generateFirm({ seed: DEMO_SEED }))).workday, username: WORKDAY_AUTH.username, password: WORKDAY_AUTH.password })
  const configFile = path.join(dataDir, 'e2e-config.json')
  const connector = { type: 'workday', base_url: workday.url, report_url: workday.reportUrl, auth: { type: 'basic', username: WORKDAY_AUTH.username, password: '${CW_E2E_WORKDAY_PASSWORD}' } }
  fs.writeFileSync(configFile, JSON.stringify({ sources: DEMO_SOURCES.map((s) => (s.system === 'workday' ? { ...s, connector } : s)) }, null, 2))
  const port = await freePort()
  const server = spawn(process.execPath, [path.join(root, 'server/cli/crosswalk.mjs'), 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', '--config', configFile, '--demo'], {
    cwd: root,
    env: { ...process.env, CROSSWALK_ADMIN_TOKEN: ADMIN_TOKEN, CROSSWALK_DETECT_INTERVAL: '0', CW_E2E_WORKDAY_PASSWORD: WORKDAY_AUTH.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not load the demo firm in 120 s:\n${log}`)), 120_000)
    const onData = (b: Buffer) => {
      log += b.toString()
      if (/loaded the demo firm/.test(log)) {
        clearTimeout(timer)
        resolve()
      }
    }
    server.stdout.on('data', onData)
    server.stderr.on('data', onData)
    server.on('exit', (code) => reject(new Error(`The server exited (${code}) before it was ready:\n${log}`)))
  })
  await ready.catch(async (e: unknown) => {
    server.kill('SIGTERM')
    await workday.close()
    throw e
  })
  const base = `http://127.0.0.1:${port}`
  for (const u of Object.values(ROLE_USERS)) {
    const res = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(u),
    })
    if (!res.ok) throw new Error(`Creating ${u.email} failed: ${res.status} ${await res.text()}`)
  }
  process.env.CW_BASE_URL = base
  console.log(`crosswalk e2e server: ${base} (data ${dataDir})`)

  return async () => {
    server.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    await workday.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

// A migrated data dir made once per `npm test` and copied into each test server's fresh data dir:
// migrating from scratch took seconds per file, paid by every one of ~90 files in each pass.
// Keyed by the migrations' text, so a changed migration makes a new template. Servers still run
// migrate() at start: it finds every migration recorded and checks their checksums.
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadMigrations } from '../../server/db/migrate.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export function templateDir(): string {
  const key = crypto.createHash('sha256').update(JSON.stringify(loadMigrations().map((m) => m.checksum))).digest('hex').slice(0, 16)
  return path.join(os.tmpdir(), `cw-template-${key}`)
}

/** Makes the template unless it exists (a finished one is renamed into place, so it is whole). */
export function ensureTemplate(): string {
  const dir = templateDir()
  if (fs.existsSync(dir)) return dir
  const work = fs.mkdtempSync(`${dir}-making-`)
  execFileSync(process.execPath, [path.join(ROOT, 'server/cli/run-ts.mjs'), path.join(ROOT, 'test/support/make-template.ts'), work], { cwd: ROOT, stdio: 'inherit' })
  fs.rmSync(path.join(work, 'scratch'), { recursive: true, force: true })
  try {
    fs.renameSync(work, dir)
  } catch {
    fs.rmSync(work, { recursive: true, force: true }) // another run made it first
  }
  return dir
}

/** A fresh data dir holding a copy of the template (made first if need be). */
export function migratedDataDir(prefix = 'cw-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.cpSync(ensureTemplate(), dir, { recursive: true })
  return dir
}

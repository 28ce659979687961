// Where the CLI's collectors send: --server/--token, their env vars, or the local defaults.
import fs from 'node:fs'
import path from 'node:path'
import { UsageError, env } from '../../server/cli/args.ts'

export function remote(values: { server?: string; token?: string }): { server: string; token: string } {
  const server = values.server ?? env('CROSSWALK_SERVER') ?? `http://127.0.0.1:${env('CROSSWALK_PORT') ?? 8787}`
  try {
    new URL(server)
  } catch {
    throw new UsageError(`--server must be a URL such as http://127.0.0.1:8787, got '${server}'`)
  }
  const token = values.token ?? env('CROSSWALK_TOKEN') ?? env('CROSSWALK_ADMIN_TOKEN') ?? localToken()
  if (!token) throw new UsageError('no token: pass --token or set CROSSWALK_TOKEN')
  return { server, token }
}

/** The admin token a local `crosswalk serve` keeps in its data dir. */
function localToken(): string | undefined {
  const file = path.join(env('CROSSWALK_DATA_DIR') ?? './.crosswalk/data', 'admin-token')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return undefined
  }
}

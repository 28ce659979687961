// A stand-in for clickhouse-server in tests: ClickHouse's HTTP interface served by the embedded
// engine (chDB), so code that talks to ClickHouse over HTTP (@clickhouse/client with a `url`)
// can run where no ClickHouse server can be installed.
//
// chDB is one engine per process, holding one data dir, and the process under test may run its
// own; so the server always runs in a child process of its own. Start it from a test with
// startClickHouseHttp(), or by hand:
//
//   node --import tsx test/support/clickhouse-http.ts --data /tmp/ch [--port 8123] [--user u --password p]
//
// What it imitates, and what not: see test/support/clickhouse-http/README.md.
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface ClickHouseHttpOptions {
  dataDir: string
  user?: string
  password?: string
  port?: number
}

export interface ClickHouseHttp {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  /** Stops the server and its engine (its data dir is left as it is). */
  stop(): Promise<void>
}

type Message = { type: 'ready'; url: string } | { type: 'failed'; message: string }

const self = fileURLToPath(import.meta.url)

export async function startClickHouseHttp(opts: ClickHouseHttpOptions): Promise<ClickHouseHttp> {
  // tsx runs the TypeScript in the child; resolved here so the child does not depend on its cwd.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const child = fork(self, ['--child', JSON.stringify(opts)], {
    execArgv: ['--import', tsx],
    // Each query waiting on the engine holds a libuv thread; the default four would make a fifth
    // concurrent request wait for one of them.
    env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = once(child, 'exit')
  const first = await Promise.race([
    once(child, 'message').then(([m]) => m as Message),
    exited.then(([code]): Message => ({ type: 'failed', message: `the server process exited with code ${code}` })),
  ])
  if (first.type !== 'ready') {
    child.kill('SIGKILL')
    throw new Error(`ClickHouse HTTP test server did not start: ${first.message}`)
  }
  return { url: first.url, stop: () => stopChild(child, exited) }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.send({ type: 'stop' })
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

async function main(args: string[]): Promise<void> {
  const { serve } = await import('./clickhouse-http/server.ts')
  const child = args[0] === '--child'
  const opts: ClickHouseHttpOptions = child
    ? (JSON.parse(args[1]) as ClickHouseHttpOptions)
    : {
        dataDir: argValue(args, '--data') ?? '',
        port: Number(argValue(args, '--port') ?? 8123),
        user: argValue(args, '--user'),
        password: argValue(args, '--password'),
      }
  if (!opts.dataDir) {
    console.error('usage: node --import tsx test/support/clickhouse-http.ts --data DIR [--port N] [--user U] [--password P]')
    process.exit(2)
  }
  let serving: Awaited<ReturnType<typeof serve>>
  try {
    serving = await serve(opts)
  } catch (e) {
    if (child) process.send?.({ type: 'failed', message: (e as Error).message } satisfies Message)
    else console.error((e as Error).message)
    process.exit(1)
  }
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await serving.close()
    process.exit(0)
  }
  if (child) {
    process.on('message', (m: { type?: string }) => m.type === 'stop' && void stop())
    process.on('disconnect', () => void stop()) // the parent died: do not outlive it
    process.send?.({ type: 'ready', url: serving.url } satisfies Message)
  } else {
    console.log(`ClickHouse HTTP interface on ${serving.url} (data dir ${path.resolve(opts.dataDir)})`)
    process.on('SIGINT', () => void stop())
    process.on('SIGTERM', () => void stop())
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) await main(process.argv.slice(2))

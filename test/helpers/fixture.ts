// The one set-up of the integration tests: a real server on a fresh data dir for the calling file
// (or describe), optionally loaded with firm-small and detected, closed after its tests. Each file
// runs in its own forked process, so each gets its own engine and data dir.
import { afterAll, beforeAll } from 'vitest'
import type { ServeOptions } from '../../server/serve.ts'
import { ingestFirm, plan } from './firm.ts'
import { api, startServer } from './server.ts'

export type TestServer = Awaited<ReturnType<typeof startServer>>

export interface UseServerOptions extends Partial<ServeOptions> {
  /** Ingest test/fixtures/firm-small through the API once the server is up. */
  firm?: boolean
  /** Then run a detection at this as_of (`true`: the firm's as_of); it must answer 200. */
  detect?: string | true
}

export interface ServerFixture {
  readonly url: string
  readonly db: TestServer['db']
  readonly services: TestServer['services']
  readonly dataDir: string
  /** The running server itself (changes on restart). */
  readonly running: TestServer
  /** What ingestFirm answered, with `firm: true`. */
  readonly ingested: Awaited<ReturnType<typeof ingestFirm>>
  /** The detection run's answer, with `detect`. */
  readonly run: any
  /** Closes the server and starts it again on the same data dir with these options. */
  restart(opts?: Partial<ServeOptions>): Promise<TestServer>
}

/**
 * Registers beforeAll/afterAll for one server. Options may be a function, for files whose
 * config needs something made first (a webhook receiver, a rules file).
 */
export function useServer(options: UseServerOptions | (() => UseServerOptions | Promise<UseServerOptions>) = {}): ServerFixture {
  let server: TestServer | undefined
  let ingested: Awaited<ReturnType<typeof ingestFirm>> = []
  let run: any
  const current = () => {
    if (!server) throw new Error('useServer: the server is used before beforeAll started it')
    return server
  }
  beforeAll(async () => {
    const { firm, detect, ...opts } = typeof options === 'function' ? await options() : options
    server = await startServer(opts)
    if (firm) ingested = await ingestFirm(server.url)
    if (detect) {
      const asOf = detect === true ? plan.as_of : detect
      const r = await api(server.url, `/api/v1/detect?as_of=${encodeURIComponent(asOf)}`, { method: 'POST' })
      if (r.status !== 200) throw new Error(`detect at ${asOf}: ${r.status} ${JSON.stringify(r.body)}`)
      run = r.body
    }
  })
  afterAll(() => server?.close())
  return {
    get url() {
      return current().url
    },
    get db() {
      return current().db
    },
    get services() {
      return current().services
    },
    get dataDir() {
      return current().dataDir
    },
    get running() {
      return current()
    },
    get ingested() {
      return ingested
    },
    get run() {
      return run
    },
    async restart(opts = {}) {
      const dataDir = current().dataDir
      await current().close()
      server = undefined
      server = await startServer({ ...opts, dataDir })
      return server
    },
  }
}

import { defineConfig } from 'vitest/config'
import solid from 'vite-plugin-solid'

// `npm test` runs the integration files twice (test/run.mjs): on the embedded engine, then with
// CROSSWALK_TEST_STORAGE=server through a ClickHouse HTTP test server (CLICKHOUSE_URL; see
// test/support/clickhouse-http/README.md). These files stay out of the second pass:
const FIRST_PASS_ONLY: Record<string, string> = {
  // They start HTTP test servers of their own and run the server path themselves, in either pass.
  'test/clickhouse-http.int.test.ts': 'the HTTP test server itself, and Crosswalk storage on it',
  'test/server-path*.int.test.ts': 'several Crosswalk servers on one ClickHouse',
  'test/connectors-lease.int.test.ts': 'two Crosswalk servers on one ClickHouse pulling one source',
  // Embedded only: ↓
  // They open the engine directly (openDb on a data dir), not a Crosswalk server; their server
  // counterparts are in clickhouse-http.int.test.ts (bulk paths, migrations).
  'test/db-insert-paths.int.test.ts': 'the embedded insert paths (a file the engine reads from the data dir)',
  'test/db-settings.int.test.ts': "the embedded engine's session-wide SET settings (EMBEDDED_DEFAULTS)",
  'test/migrations-ledger.int.test.ts': 'the ledger on an engine opened directly',
  // The span log is a write-ahead log in the data dir of the embedded engine; on a server spans
  // are inserted before the request is answered and there is no log (server/traces/store.ts).
  'test/traces-span-log.int.test.ts': 'the span log files on the local disk',
  // They SIGKILL a `crosswalk serve` they spawn on a data dir, then restart in-process on that
  // dir: the pairing is by data dir (a spawned CLI gets no database of its own), and one case is
  // the data dir's lock, which only the embedded engine takes.
  'test/ingest-restart.int.test.ts': 'SIGKILL of a spawned embedded server, and the data dir lock',
  'test/connectors-pull-crash.int.test.ts': 'SIGKILL of a spawned embedded server, resumed in-process on its data dir',
  // The read cache is off on a ClickHouse server (server/serve.ts): it learns only of its own
  // server's writes, and another Crosswalk server may write there too.
  'test/read-cache.int.test.ts': 'the read cache, which only the embedded engine uses',
  // Two SQL read paths compared on the same stored data: both passes run that SQL on the same
  // engine (the HTTP test server wraps chDB), so a second run only repeats ~4 minutes of queries.
  // Every other file reads through the derived tables on the server path too.
  'test/derived-exact.int.test.ts': 'derived tables against history: the same SQL on the same engine in both passes',
  // It freezes every timer to show the ingest path waits on none; the ClickHouse client's own
  // sockets run on timers, so on the server path the freeze stalls the client, not the defect.
  // It takes storage away by closing the in-process engine under a running server; through
  // CLICKHOUSE_URL the client opens a new connection per request, so nothing goes down.
  'test/ingest-storage-down.int.test.ts': 'storage taken away by closing the embedded engine in process',
  'test/http-hardening-connections.int.test.ts': "Crosswalk's HTTP layer, with the process's timers frozen",
}
const serverPath = process.env.CROSSWALK_TEST_STORAGE === 'server'

export default defineConfig({
  plugins: [solid()],
  root: 'web',
  // ECharts (core with bar and line charts, canvas) is one ~186 KB gzipped chunk, loaded by the
  // routes that draw charts; the warning at 500 KB raw would flag exactly that on every build.
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/v1': 'http://127.0.0.1:8787' } },
  test: {
    root: '.',
    include: serverPath ? ['test/*.int.test.ts'] : ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', ...(serverPath ? Object.keys(FIRST_PASS_ONLY) : [])],
    setupFiles: serverPath ? ['test/support/clickhouse-http/setup.ts'] : [],
    globalSetup: ['test/support/template-setup.ts'],
    // chDB is one engine per process and locks its data dir: each test file runs in its own
    // forked process with its own data dir.
    pool: 'forks',
    environment: 'node',
    maxWorkers: 2,
    // Budgets, not assertions: a loaded CI machine runs the heavy integration files several
    // times slower, and a timeout there says nothing about the code.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
})

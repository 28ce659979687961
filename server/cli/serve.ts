// `crosswalk serve`: options and environment turned into ServeOptions; stops cleanly on SIGINT
// and SIGTERM so spans still buffered are loaded before exit.
import { start } from '../serve.ts'
import { env, intOption, parse } from './args.ts'
import { ensureWebBuilt } from '../web.ts'

export const HELP = `Usage: crosswalk serve [--data DIR] [--port N] [--host H] [--config FILE] [--demo]

Runs the API and the dashboard.

Options:
  --data DIR      data directory of the embedded engine (env CROSSWALK_DATA_DIR, default ./.crosswalk/data)
  --port N        port (env CROSSWALK_PORT, default 8787)
  --host H        address to listen on (env CROSSWALK_HOST, default 127.0.0.1)
  --config FILE   JSON or YAML config (env CROSSWALK_CONFIG); without it the demo sources
  --demo          on an empty database, generate and load the demo firm

Environment:
  CROSSWALK_ADMIN_TOKEN   admin token (default: one is made and kept in DIR/admin-token)
  CLICKHOUSE_URL          use a ClickHouse server instead of the embedded engine
                          (with CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE)
  CROSSWALK_CLUSTER       ClickHouse cluster name: migrations use ON CLUSTER and Replicated engines`

export async function run(argv: string[]) {
  const { values } = parse(argv, {
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    demo: { type: 'boolean' },
  })
  // Served as installed: the dashboard is built now if `npm install` did not build it.
  await ensureWebBuilt((line) => console.log(line))
  const url = env('CLICKHOUSE_URL')
  const running = await start({
    dataDir: values.data ?? env('CROSSWALK_DATA_DIR') ?? './.crosswalk/data',
    port: intOption(values.port ?? env('CROSSWALK_PORT'), '--port', 8787),
    host: values.host ?? env('CROSSWALK_HOST'),
    configFile: values.config ?? env('CROSSWALK_CONFIG'),
    adminToken: env('CROSSWALK_ADMIN_TOKEN'),
    clickhouse: url
      ? { url, user: env('CLICKHOUSE_USER'), password: env('CLICKHOUSE_PASSWORD'), database: env('CLICKHOUSE_DATABASE') }
      : undefined,
    cluster: env('CROSSWALK_CLUSTER'),
  })
  console.log(`Crosswalk ${running.services.version} on ${running.db.engine === 'chdb' ? 'the embedded engine' : 'ClickHouse'}: ${running.url}`)
  const stop = async () => {
    await running.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  if (values.demo) await (await import('../../ingest/demo/load.ts')).loadDemoIfEmpty(running)
}

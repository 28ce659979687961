// `npm run bench`: throughput numbers recorded in the README. Not a test: nothing here fails
// on a slow machine, it reports.
import { benchIngest, reportIngest } from './ingest.ts'

const only = process.argv[3]
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000)

if (!only || only === 'ingest') console.log(reportIngest(await benchIngest(rows)))

// `npm run bench [ingest|detect]`: throughput numbers recorded in the README. Not a test:
// nothing here fails on a slow machine, it reports.
import { benchIngest, reportIngest } from './ingest.ts'
import { benchDetect, reportDetect } from './detect.ts'

const only = process.argv[3]
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000)

if (!only || only === 'ingest') console.log(reportIngest(await benchIngest(rows)))
if (!only || only === 'detect') console.log(reportDetect(await benchDetect(rows)))

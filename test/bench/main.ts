// `npm run bench [ingest|detect|export|spans|ui|transport|reads|fast|fast-export|stream|connectors]`: throughput numbers recorded in the
// README. Not a test: nothing here fails on a slow machine, it reports. (`transport`, the floor
// under ingest, `reads`, minutes of load on a seeded firm, the fast paths against their plain
// paths, and `stream`, a 200 MB body into a 96 MB heap, run only when asked.)
import { benchIngest, reportIngest } from './ingest.ts'
import { benchDetect, reportDetect } from './detect.ts'
import { benchExport, reportExport } from './export.ts'
import { benchSpans, reportSpans } from './spans.ts'
import { benchTransport, reportTransport } from './transport.ts'
import { benchReads, reportReads } from './reads.ts'
import { benchUi, reportUi } from './ui.ts'
import { benchFastPaths, reportFastPaths } from './fast-paths.ts'
import { benchFastExport, reportFastExport } from './fast-export.ts'
import { benchStream, reportStream } from './stream.ts'
import { benchConnectors, reportConnectors } from './connectors.ts'
import { benchDetectMemory, reportDetectMemory } from './detect-memory.ts'
import { benchKpiMeasures, reportKpiMeasures } from './kpi-measures.ts'

const only = process.argv[3]
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000)
/** Spans: BENCH_SPAN_REQUESTS requests (default 200) of 1,000 spans, 4 at a time. */
const spanRequests = Number(process.env.BENCH_SPAN_REQUESTS ?? 200)

if (!only || only === 'ingest') console.log(reportIngest(await benchIngest(rows, Number(process.env.BENCH_BASE ?? 0))))
/** Detection and reads run on the seeded firm of 10,000,000 entries unless BENCH_ROWS says otherwise. */
const firmRows = Number(process.env.BENCH_ROWS ?? 10_000_000)
if (!only || only === 'detect') console.log(reportDetect(await benchDetect(firmRows)))
if (!only || only === 'export') console.log(reportExport(await benchExport(rows)))
if (!only || only === 'spans') console.log(reportSpans(await benchSpans(spanRequests)))
if (!only || only === 'ui') console.log(reportUi(await benchUi()))
/** Fast paths against the plain paths they replace: BENCH_LINES lines (300,000). */
if (only === 'fast') console.log(reportFastPaths(benchFastPaths(Number(process.env.BENCH_LINES ?? 300_000))))
if (only === 'fast-export') console.log(reportFastExport(await benchFastExport(Number(process.env.BENCH_ROWS ?? 200_000))))
/** Connectors: BENCH_ROWS time entries per vendor (BENCH_VENDORS, BENCH_RUNS, BENCH_E2E; see connectors.ts). */
/** Detection's peak RSS opening, re-finding and clearing BENCH_EXCEPTIONS (200,000) exceptions. */
if (only === 'detect-memory') console.log(reportDetectMemory(await benchDetectMemory(Number(process.env.BENCH_EXCEPTIONS ?? 200_000))))
if (only === 'connectors') console.log(reportConnectors(await benchConnectors(rows)))
/** gross_margin, forecast_accuracy, bench_capacity on the seeded firm (BENCH_ROWS, 10,000,000): history against derived, and their API. */
if (only === 'kpi-measures') console.log(reportKpiMeasures(await benchKpiMeasures(firmRows, Number(process.env.BENCH_RUNS ?? 3))))
if (only === 'transport') console.log(reportTransport(await benchTransport(rows)))
/** A body of BENCH_STREAM_MB (200) into a server with a 96 MB heap: throughput and peak RSS. */
if (only === 'stream') console.log(reportStream(await benchStream(Number(process.env.BENCH_STREAM_MB ?? 200))))
/** Reads: BENCH_READERS readers (50) for BENCH_SECONDS (60). */
if (only === 'reads')
  console.log(reportReads(await benchReads(firmRows, Number(process.env.BENCH_READERS ?? 50), Number(process.env.BENCH_SECONDS ?? 60))))

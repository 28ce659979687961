// `npm run bench -- stream`: a server limited to a 96 MB heap ingests a generated NDJSON body of
// more than 200 MB (BENCH_STREAM_MB), sent chunked and produced on the fly; reports throughput
// and the server's peak resident memory against the 600 MB it should stay under. (The gate keeps
// a small multi-chunk body in test/ingest-stream.int.test.ts; this is the memory side.)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { postGenerated, streamLine } from '../helpers/stream-body.ts'
import { TOKEN, fmt, rssMb, sampleRss, spawnServer } from './harness.ts'

const HEAP_MB = 96
const MAX_RSS_MB = 600

export async function benchStream(minBodyMb = 200) {
  const lines = Math.ceil((minBodyMb * 2 ** 20) / Buffer.byteLength(streamLine(0))) + 50_000
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-stream-'))
  const server = await spawnServer(dataDir, { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` })
  try {
    const baseline = rssMb(server.proc.pid!)
    const rss = sampleRss(server.proc.pid!)
    const started = performance.now()
    const r = await postGenerated(`${server.url}/api/v1/ingest/kantata/time_entry?batch=stream-1&observed_at=2026-03-10T00:00:00Z`, TOKEN, lines)
    const seconds = (performance.now() - started) / 1000
    const peak = rss.stop()
    const answer = r.status === 200 ? (JSON.parse(r.text) as { accepted: number; rejected: number }) : null
    return { lines, mb: r.sent / 2 ** 20, seconds, status: r.status, answer, text: r.text, baseline, peak }
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

export function reportStream(r: Awaited<ReturnType<typeof benchStream>>): string {
  const ok = r.answer?.accepted === r.lines && r.answer.rejected === 0
  return [
    `stream: ${r.mb.toFixed(0)} MB, ${fmt(r.lines)} lines in ${r.seconds.toFixed(1)} s (${fmt(r.lines / r.seconds)} rows/s), heap limit ${HEAP_MB} MB`,
    `  answer: ${r.status} ${ok ? 'every line accepted' : `NOT every line accepted: ${r.text.slice(0, 300)}`}`,
    `  server RSS: ${r.baseline.toFixed(0)} MB at start, peak ${r.peak.toFixed(0)} MB (${r.peak < MAX_RSS_MB ? 'under' : 'OVER'} ${MAX_RSS_MB} MB)`,
  ].join('\n')
}

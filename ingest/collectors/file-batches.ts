// A file cut into request bodies of about `batchRows` records each.
//
// NDJSON is cut on raw bytes at line ends, never decoded: the server reads the lines, and a
// batch's line numbers map back to the file by adding where the batch starts. Decoding and
// re-joining a million lines here would cost as much CPU as validating them on the server.
// A JSON array has to be framed element by element; its elements go out as NDJSON lines.
import { jsonArrayRecords } from '../../server/ingest/records.ts'

export interface FileBatch {
  body: Buffer
  /** Position in the file of the body's line n (1-based). */
  fileLine(n: number): number
}

export async function* ndjsonBatches(stream: AsyncIterable<Buffer>, batchRows: number): AsyncGenerator<FileBatch> {
  let parts: Buffer[] = []
  let lines = 0
  let first = 1
  const cut = (): FileBatch => {
    const start = first
    const batch = { body: Buffer.concat(parts), fileLine: (n: number) => start + n - 1 }
    first += lines
    parts = []
    lines = 0
    return batch
  }
  for await (const chunk of stream) {
    let from = 0
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      if (++lines < batchRows) continue
      parts.push(chunk.subarray(from, nl + 1))
      from = nl + 1
      yield cut()
    }
    if (from < chunk.length) parts.push(chunk.subarray(from))
  }
  const tail = parts.reduce((n, p) => n + p.length, 0)
  if (tail > 0) {
    lines++ // a last line without its newline
    yield cut()
  }
}

export async function* jsonArrayBatches(stream: AsyncIterable<Buffer>, batchRows: number): AsyncGenerator<FileBatch> {
  let texts: string[] = []
  let positions: number[] = []
  const cut = (): FileBatch => {
    const at = positions
    const batch = { body: Buffer.from(texts.join('\n') + '\n'), fileLine: (n: number) => at[n - 1] ?? n }
    texts = []
    positions = []
    return batch
  }
  for await (const recs of jsonArrayRecords(stream)) {
    for (const rec of recs) {
      // One element a line: newlines inside an element are only whitespace between tokens.
      texts.push(rec.text.includes('\n') ? rec.text.replace(/\r?\n/g, ' ') : rec.text)
      positions.push(rec.line)
      if (texts.length >= batchRows) yield cut()
    }
  }
  if (texts.length) yield cut()
}

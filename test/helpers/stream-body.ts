// A chunked NDJSON body of generated time entries, produced as it is sent: neither side holds it
// whole. Used by the streaming test (a few pipeline chunks) and its bench (hundreds of MB).
import http from 'node:http'
import { Readable } from 'node:stream'

const STATUSES = ['draft', 'submitted', 'approved', 'rejected']

/** One time entry line; about 250 bytes. */
export function streamLine(i: number): string {
  const day = 1 + (i % 28)
  return (
    JSON.stringify({
      key: `TE-S-${String(i).padStart(9, '0')}`,
      native_id: `KT${i}`,
      resource_key: `E${String(i % 997).padStart(5, '0')}`,
      project_key: `PRJ-${String(i % 389).padStart(5, '0')}`,
      work_date: `2026-02-${String(day).padStart(2, '0')}`,
      hours: ((i % 16) + 1) / 2,
      billable: i % 5 !== 0,
      status: STATUSES[i % 4],
      bill_rate: `${100 + (i % 90)}.50`,
      currency: 'USD',
      approved_at: `2026-03-${String(day).padStart(2, '0')}T12:00:00Z`,
    }) + '\n'
  )
}

/**
 * POSTs `lines` generated lines to `url` with Transfer-Encoding: chunked (no Content-Length), in
 * pieces of about 64 KB; answers the status, the answer's text and the bytes sent.
 */
export function postGenerated(url: string, token: string, lines: number): Promise<{ status: number; text: string; sent: number; pieces: number }> {
  let sent = 0
  let pieces = 0
  const body = Readable.from(
    (function* () {
      let buf = ''
      for (let i = 0; i < lines; i++) {
        buf += streamLine(i)
        if (buf.length >= 64 * 1024) {
          sent += Buffer.byteLength(buf)
          pieces++
          yield buf
          buf = ''
        }
      }
      sent += Buffer.byteLength(buf)
      pieces++
      yield buf
    })(),
  )
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode!, text, sent, pieces }))
      res.on('error', reject)
    })
    req.on('error', reject)
    body.pipe(req)
  })
}

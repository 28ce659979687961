// Sends a generated firm through the public ingest API, batch by batch, as real collectors do.
import crypto from 'node:crypto'
import { sendBatch } from '../collectors/client.ts'
import type { DemoFirm } from './generate.ts'

export async function sendFirm(firm: DemoFirm, to: { server: string; token: string }, log: (s: string) => void = () => {}) {
  let records = 0
  let batches = 0
  const run = crypto.randomUUID().slice(0, 8)
  for (const [i, b] of firm.batches.entries()) {
    const r = await sendBatch({
      ...to,
      system: b.system,
      entity: b.entity,
      mode: b.mode,
      batch: `demo-${run}-${String(i).padStart(3, '0')}`,
      observedAt: b.observed_at,
      body: b.records.map((x) => JSON.stringify(x)).join('\n') + '\n',
    })
    records += r.accepted
    batches++
    log(`${b.system}/${b.entity}: ${r.accepted} accepted${r.rejected ? `, ${r.rejected} rejected` : ''}`)
  }
  // The integration traces of the firm, as its middleware would send them over OTLP/HTTP.
  const res = await fetch(new URL('/v1/traces', to.server), {
    method: 'POST',
    headers: { authorization: `Bearer ${to.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(firm.traces),
  })
  if (!res.ok) throw new Error(`sending the demo traces failed: HTTP ${res.status} ${await res.text()}`)
  log(`traces: ${countSpans(firm.traces)} spans`)
  return { records, batches }
}

function countSpans(traces: object): number {
  const rs = (traces as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> }).resourceSpans ?? []
  return rs.reduce((n, r) => n + (r.scopeSpans ?? []).reduce((m, s) => m + (s.spans?.length ?? 0), 0), 0)
}

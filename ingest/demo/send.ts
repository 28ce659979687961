// Sends a generated firm through the public ingest API, batch by batch, as real collectors do.
import crypto from 'node:crypto'
import { sendBatch } from '../client.ts'
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
  return { records, batches }
}

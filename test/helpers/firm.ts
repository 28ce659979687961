// The sample firm in test/fixtures/firm-small, ingested through the API in plan order.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ingest } from './server.ts'

export const FIRM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/firm-small')

export interface PlanCall {
  system: string
  entity: string
  mode: 'delta' | 'full'
  batch: string
  observed_at: string
  file: string
}

export const plan = JSON.parse(fs.readFileSync(path.join(FIRM_DIR, 'plan.json'), 'utf8')) as {
  as_of: string
  sources: Record<string, string>
  plan: PlanCall[]
}
export const expected = JSON.parse(fs.readFileSync(path.join(FIRM_DIR, 'expected.json'), 'utf8'))

export const batchFile = (file: string) => fs.readFileSync(path.join(FIRM_DIR, 'batches', file), 'utf8')

export async function ingestFirm(base: string) {
  const results = []
  for (const call of plan.plan) {
    const q = new URLSearchParams({ mode: call.mode, batch: call.batch, observed_at: call.observed_at })
    const r = await ingest(base, call.system, call.entity, batchFile(call.file), q.toString())
    if (r.status !== 200) throw new Error(`${call.file}: ${r.status} ${JSON.stringify(r.body)}`)
    results.push({ call, result: r.body })
  }
  return results
}

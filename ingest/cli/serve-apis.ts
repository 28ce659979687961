// `crosswalk demo --serve-apis PORT`: the demo firm served through local imitations of the six
// vendor APIs (ingest/imitations), one port each from PORT, so connectors can be tried end to
// end with no tenant and no network. The firm is the one `crosswalk demo` generates (its
// batches applied in order, as the ingest API keeps them), converted with nativeFirm.
import { DEMO_SEED, generateFirm, type DemoFirm } from '../demo/generate.ts'
import {
  currentRecords, NETSUITE_DEFAULT_CREDENTIALS, nativeFirm, startImitation, type CanonicalFirm, type CanonicalRecord, type Imitation, type ImitationType, type NativeFirm,
} from '../imitations/index.ts'

/** The demo firm's batches applied in observed_at order: each system's current records. */
export function canonicalOf(firm: DemoFirm): CanonicalFirm {
  return { asOf: firm.as_of, sources: firm.sources, records: currentRecords(firm.batches, (b) => b.records as CanonicalRecord[]) }
}

/** The six, in port order; `system` and `kind` are what the config snippet names the source. */
export const SERVED: Array<{ type: ImitationType; system: string; kind: string }> = [
  { type: 'salesforce', system: 'salesforce', kind: 'crm' },
  { type: 'netsuite', system: 'netsuite', kind: 'erp' },
  { type: 'dynamics', system: 'dynamics', kind: 'erp' },
  { type: 'workday', system: 'workday', kind: 'hr' },
  { type: 'kantata', system: 'kantata', kind: 'psa' },
  { type: 'harvest', system: 'harvest', kind: 'psa' },
]

export interface ServedApi {
  type: ImitationType
  system: string
  kind: string
  url: string
  /** The connector block for the server's config (auth with the imitation's credentials). */
  connector: Record<string, unknown>
  /** Credentials in words. */
  credentials: string
}

export interface ServedApis {
  apis: ServedApi[]
  firm: NativeFirm
  close(): Promise<void>
}

/** Starts the six imitations on port, port+1, … (port 0: any free ports), on 127.0.0.1. */
export async function serveApis(o: { port: number; scale?: number; seed?: number }): Promise<ServedApis> {
  const firm = nativeFirm(canonicalOf(generateFirm({ scale: o.scale ?? 1, seed: o.seed ?? DEMO_SEED })))
  const started: Array<Imitation & { reportUrl?: string }> = []
  try {
    for (const [i, s] of SERVED.entries()) {
      const port = o.port === 0 ? 0 : o.port + i
      started.push((await startImitation(s.type, { data: firm[s.type], port } as never)) as Imitation & { reportUrl?: string })
    }
  } catch (e) {
    await Promise.all(started.map((im) => im.close()))
    throw e
  }
  const apis = SERVED.map((s, i) => ({ ...s, url: started[i].url, ...access(s.type, started[i]) }))
  return { apis, firm, close: async () => void (await Promise.all(started.map((im) => im.close()))) }
}

function access(type: ImitationType, im: Imitation & { reportUrl?: string }): { connector: Record<string, unknown>; credentials: string } {
  const base_url = im.url
  switch (type) {
    case 'salesforce':
      return { connector: { type, base_url, auth: { type: 'client_credentials', client_id: 'sf-client', client_secret: 'sf-secret' }, every: '15m', full_every: '24h' }, credentials: `client_credentials sf-client / sf-secret (token: POST ${base_url}/services/oauth2/token)` }
    case 'netsuite': {
      const c = NETSUITE_DEFAULT_CREDENTIALS
      return {
        connector: { type, base_url, auth: { type: 'tba', account_id: c.accountId, consumer_key: c.consumerKey, consumer_secret: c.consumerSecret, token_id: c.tokenId, token_secret: c.tokenSecret } },
        credentials: `tba account ${c.accountId}, consumer ${c.consumerKey} / ${c.consumerSecret}, token ${c.tokenId} / ${c.tokenSecret}`,
      }
    }
    case 'dynamics': {
      const token_url = `${base_url}/imitation-tenant/oauth2/v2.0/token`
      return { connector: { type, base_url, auth: { type: 'client_credentials', client_id: 'dv-client', client_secret: 'dv-secret', token_url } }, credentials: `client_credentials dv-client / dv-secret at ${token_url}` }
    }
    case 'workday':
      return { connector: { type, base_url, report_url: im.reportUrl, auth: { type: 'basic', username: 'ISU_Crosswalk', password: 'wd-password' } }, credentials: `basic ISU_Crosswalk / wd-password; report ${im.reportUrl}` }
    case 'kantata':
      return { connector: { type, base_url, auth: { type: 'token', token: 'kantata-token' } }, credentials: 'bearer token kantata-token' }
    case 'harvest':
      return { connector: { type, base_url, user_agent: 'Crosswalk demo (ops@example.com)', auth: { type: 'token', token: 'harvest-token', account_id: '1000001' } }, credentials: 'token harvest-token, Harvest-Account-Id 1000001' }
  }
}

/** A `sources:` block to paste into the server's config file. */
export function configSnippet(apis: ServedApi[]): string {
  const lines = ['sources:']
  for (const a of apis) {
    if (a.type === 'dynamics' || a.type === 'harvest') lines.push(`  # ${a.system} serves the same firm again, as a second ${a.kind} source: leave it out for one source per kind`)
    lines.push(`  - system: ${a.system}`, `    kind: ${a.kind}`, '    connector:')
    for (const [k, v] of Object.entries(a.connector)) {
      if (typeof v === 'object' && v !== null) lines.push(`      ${k}: { ${Object.entries(v).map(([ak, av]) => `${ak}: ${JSON.stringify(av)}`).join(', ')} }`)
      else lines.push(`      ${k}: ${JSON.stringify(v)}`)
    }
  }
  return lines.join('\n')
}

// The CLI's admin commands talk to a running server's API, like every other collector.
import { IngestError } from '../collectors/client.ts'

export async function callApi(to: { server: string; token: string }, method: string, path: string, body?: unknown): Promise<any> {
  let res: Response
  try {
    res = await fetch(new URL(path, to.server), {
      method,
      headers: { authorization: `Bearer ${to.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
  } catch (e) {
    throw new IngestError(`cannot reach ${to.server}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`)
  }
  const text = await res.text()
  const json = text ? JSON.parse(text) : null
  if (!res.ok) throw new IngestError(json?.error?.message ?? `HTTP ${res.status}`, res.status)
  return json
}

export function table(rows: Array<Record<string, unknown>>, cols: string[]): string {
  const cells = rows.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)))
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()
  return [line(cols), ...cells.map(line)].join('\n')
}

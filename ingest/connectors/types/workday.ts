// Workday (hr): resource from a Reports-as-a-Service report (REFERENCE §4). A report has no cursor,
// so every read is a complete listing; its JSON is stream-parsed (`Report_Entry` elements one at a
// time), and a report with no rows, which omits Report_Entry, is an empty listing.
import { basicAuth, expectAuth } from '../framework/auth.ts'
import { ConnectorHttpError } from '../framework/errors.ts'
import { jsonArrayAt } from '../framework/json-stream.ts'
import { batched } from '../framework/pagers.ts'
import type { ConnectorType, Page, ReadOptions } from '../framework/types.ts'
import { readWindow, windowDone } from '../framework/window.ts'

export function reportUrl(url: string): string {
  const u = new URL(url)
  if (!u.searchParams.has('format')) u.searchParams.set('format', 'json')
  return u.toString()
}

async function* readWorkday(entity: string, o: ReadOptions): AsyncGenerator<Page> {
  const { http } = o
  // The shipped mapping's `source.report` is the placeholder "report_url" (the connector's
  // report_url); only an absolute URL given per entity overrides it.
  const given = o.source?.report as string | undefined
  const report = given && /^https?:\/\//i.test(given) ? given : http.config.report_url
  if (!report) throw new Error(`Workday entity ${entity} needs the report's URL: connector.report_url or source.report.`)
  const win = readWindow(o)
  // Columns are the report's own (tenant-defined aliases): nothing to select here.
  const { res, url, release } = await http.stream({ url: reportUrl(report) })
  try {
    if (!res.body) throw new ConnectorHttpError(`Workday answered ${url} with no body.`, res.status, url)
    const rows = jsonArrayAt(res.body as AsyncIterable<Uint8Array>, 'Report_Entry')
    for await (const { rows: records, last } of batched(rows, http.config.page_size ?? 1000)) {
      yield { records, state: last ? windowDone(win.to) : null, last, full: true, info: { url, status: res.status } }
    }
  } finally {
    // A consumer that stops early leaves the body unread: cancel it so the connection closes.
    await res.body?.cancel().catch(() => {})
    release()
  }
}

export const workday: ConnectorType = {
  type: 'workday',
  kinds: ['hr'],
  entities: ['resource'],
  defaultSources: { resource: {} },
  // ⚠ No published rate limit; one report at a time is polite (RaaS runs can take minutes).
  defaultLimits: { concurrency: 1 },
  incremental: false,
  auth(config) {
    const a = expectAuth('workday', config.auth, 'basic')
    return basicAuth(a.username, a.password)
  },
  read: readWorkday,
}

// Workday RaaS imitation (REFERENCE §4): one custom report URL, HTTP Basic for the integration
// user, `?format=json` answering {"Report_Entry": [...]} with every value text, and no
// Report_Entry key at all when the report has no rows (as documented).
import { startServer, type CommonOptions, type Imitation, type ImitationRequest, type ImitationResponse } from './server.ts'

/** One report row: column alias → text (absent when empty, unconfirmed). */
export type WorkdayRow = Record<string, string>

export interface WorkdayOptions extends CommonOptions {
  /** The report's rows, e.g. { rows: nativeFirm(...).workday.Report_Entry }. */
  data: { Report_Entry: WorkdayRow[] }
  username?: string
  password?: string
  /** The report's path; its whole URL is `url + reportPath`. */
  reportPath?: string
}

export const WORKDAY_REPORT_PATH = '/ccx/service/customreport2/imitation_tenant/ISU_Crosswalk/Crosswalk_Workers'

export async function startWorkdayImitation(opts: WorkdayOptions): Promise<Imitation & { reportUrl: string }> {
  const path = opts.reportPath ?? WORKDAY_REPORT_PATH
  let revoked = false
  const handler = (req: ImitationRequest): ImitationResponse => {
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
    const [user, pass] = basic ? Buffer.from(basic, 'base64').toString().split(/:(.*)/s) : []
    if (revoked || user !== (opts.username ?? 'ISU_Crosswalk') || pass !== (opts.password ?? 'wd-password')) {
      return { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Workday"' }, body: { error: 'Unauthorized' } }
    }
    if (req.path !== path) return { status: 404, body: { error: 'Report not found' } }
    // unconfirmed: the answer to a missing or unknown format; only JSON is imitated
    if (req.query.get('format') !== 'json') return { status: 400, body: { error: 'This imitation answers format=json only' } }
    const rows = opts.data.Report_Entry
    return { status: 200, body: rows.length ? { Report_Entry: rows } : {} }
  }
  const im = await startServer(handler, {
    rateLimited: () => ({ status: 429, body: { error: 'Too Many Requests' } }),
    serverError: (status) => ({ status, body: { error: 'Service Unavailable' } }),
    expireTokens: () => {
      revoked = true
    },
  }, opts)
  return { ...im, reportUrl: `${im.url}${path}?format=json` }
}

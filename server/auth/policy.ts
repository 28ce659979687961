// Authorization in one place (CONTRACT §7): every route declares who may call it. The access
// matrix test walks this table against the app's routes, so a route without an entry fails it.
import { RULES, type RuleName } from '../rules/catalog.ts'
import type { Principal, Role } from './principal.ts'

export type Access =
  | 'public' // no credentials
  | 'signed-in' // any person
  | 'ingest' // a collector (its own system, for paths with one) or an admin
  | 'metrics' // the metrics token of the config (checked in authorize) or an admin
  | readonly Role[]

const EVERYONE: readonly Role[] = ['executive', 'ops', 'finance', 'admin']
const READERS: readonly Role[] = ['ops', 'finance', 'admin']
const OPERATORS: readonly Role[] = ['ops', 'admin']
const FINANCE: readonly Role[] = ['finance', 'admin']
const ADMIN: readonly Role[] = ['admin']

export const POLICY: Record<string, Access> = {
  'GET /api/v1/health': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'signed-in',
  'GET /api/v1/auth/me': 'signed-in',

  'POST /api/v1/ingest/:system/:entity': 'ingest',
  'POST /v1/traces': 'ingest',
  'GET /metrics': 'metrics',

  'GET /api/v1/openapi.json': EVERYONE,
  'GET /api/v1/reference': ADMIN,
  'GET /api/v1/kpis': EVERYONE,
  'GET /api/v1/kpis/:name': EVERYONE,
  'GET /api/v1/kpis/:name/records': EVERYONE,
  'GET /api/v1/kpis/forecast_accuracy/weekly': EVERYONE,
  'GET /api/v1/exceptions/summary': EVERYONE,
  'GET /api/v1/exceptions/timeline': EVERYONE,
  'GET /api/v1/exceptions': READERS,
  'GET /api/v1/exceptions/:id': READERS,
  // Which exceptions a role may triage is decided per rule by canTriage().
  'POST /api/v1/exceptions/:id/actions': READERS,
  'POST /api/v1/exceptions/actions': READERS,
  'POST /api/v1/detect': READERS,

  'GET /api/v1/sources': READERS,
  // Connector pulls (CONTRACT §8: admin).
  'POST /api/v1/sources/:system/pull': ADMIN,
  'GET /api/v1/sources/:system/runs': ADMIN,
  'GET /api/v1/sources/:system/runs/:run_id': ADMIN,
  'GET /api/v1/dead-letters': READERS,
  'GET /api/v1/dead-letters/:id': READERS,
  'POST /api/v1/dead-letters/:id/replay': OPERATORS,
  'POST /api/v1/dead-letters/replay': OPERATORS,
  'GET /api/v1/transactions': READERS,
  'GET /api/v1/transactions/health': READERS,
  'GET /api/v1/transactions/:traceId': READERS,
  'GET /api/v1/notifications': READERS,
  // Subscriptions to saved views of the exception list: whoever reads the list (each their own;
  // admins everyone's, checked in routes/subscriptions.ts).
  'GET /api/v1/subscriptions': READERS,
  'POST /api/v1/subscriptions': READERS,
  'DELETE /api/v1/subscriptions/:id': READERS,
  // Sends a message to a configured channel: admins only, like the settings that configure it.
  'POST /api/v1/notifications/test': ADMIN,

  'GET /api/v1/exports/exceptions.csv': FINANCE,
  'GET /api/v1/exports/exceptions.xlsx': FINANCE,
  'GET /api/v1/exports/reconciliation.csv': FINANCE,
  'GET /api/v1/exports/reconciliation.xlsx': FINANCE,
  'GET /api/v1/reconciliation': READERS,
  'GET /api/v1/reconciliation/records': READERS,
  'GET /api/v1/close': READERS,

  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'GET /api/v1/tokens': ADMIN,
  'POST /api/v1/tokens': ADMIN,
  'DELETE /api/v1/tokens/:id': ADMIN,
  'GET /api/v1/audit': ADMIN,
  // Backups and restores (server/ops/): the whole database, so admins only.
  'POST /api/v1/admin/backup': ADMIN,
  'POST /api/v1/admin/restore': ADMIN,
  'GET /api/v1/settings': ADMIN,
  'PUT /api/v1/settings': ADMIN,
  'POST /api/v1/settings/routing/preview': ADMIN,

  // The dashboard's files (web.ts's app.get('*'), which Hono reports as /*); every API call it
  // makes is checked on its own.
  'GET /*': 'public',
}

export type Decision = 'allow' | 'unauthenticated' | 'forbidden'

export function decide(access: Access, p: Principal | null, pathSystem: string | null): Decision {
  if (access === 'public') return 'allow'
  if (access === 'metrics') return decide(ADMIN, p, pathSystem)
  if (!p) return 'unauthenticated'
  if (access === 'ingest') {
    if (p.kind === 'user') return p.role === 'admin' ? 'allow' : 'forbidden'
    return pathSystem === null || pathSystem === p.system ? 'allow' : 'forbidden'
  }
  if (p.kind === 'collector') return 'forbidden'
  if (access === 'signed-in') return 'allow'
  return access.includes(p.role) ? 'allow' : 'forbidden'
}

/** Finance rules are triaged by finance (and admin); the others by ops (and admin). */
export function canTriage(p: Principal | null, rule: string): boolean {
  if (!p || p.kind !== 'user') return false
  if (p.role === 'admin') return true
  const finance = (RULES as Record<string, { finance: boolean }>)[rule]?.finance ?? false
  return finance ? p.role === 'finance' : p.role === 'ops'
}

export const isFinanceRule = (rule: string) => (RULES as Record<string, { finance: boolean }>)[rule as RuleName]?.finance ?? false

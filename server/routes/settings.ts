// GET/PUT /api/v1/settings (admin): routing, rule thresholds and severities, SLAs; and
// POST /api/v1/settings/routing/preview: which open exceptions each route would take.
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'
import { exact, routes } from '../http/openapi.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { dec } from '../lib/json.ts'
import { addDecimals } from '../lib/decimal.ts'
import { audited } from '../auth/audit.ts'
import { actorName } from '../auth/principal.ts'
import { currentSettings, refreshSettings, saveSettings, settingsRevision } from '../config/settings.ts'
import { RULES, type RuleName, type Severity } from '../rules/catalog.ts'
import { routeMatches, routeOwner, severityOf, SLA_DEFAULT_HOURS } from '../exceptions/routing.ts'
import { getSettings, previewRouting, putSettings, type RoutePreview } from './settings.schema.ts'
import type { z } from '@hono/zod-openapi'

/** The version an If-Match names ('' = never saved); undefined when there is none, or `*`. */
function ifMatch(header: string | undefined): string | undefined {
  const v = header?.trim()
  if (!v || v === '*') return undefined
  return v.replace(/^W\//, '').replace(/^"(.*)"$/, '$1')
}

/** The settings in force with their version, also as the ETag: a client sends it back as
 *  If-Match on PUT, and a save over someone else's newer one is refused (409). */
function inForce(c: Context<AppEnv>) {
  const { version, actor } = settingsRevision(c.var.services.config)
  c.header('ETag', `"${version}"`)
  return { ...currentSettings(c.var.services.config), version, saved_by: actor }
}

const DEFAULTS = Object.fromEntries(
  Object.entries(RULES).map(([n, r]) => [n, { severity: r.severity, owner: r.owner, finance: r.finance, params: r.params, title: r.title }]),
) as Record<RuleName, { severity: Severity; owner: string; finance: boolean; params: Record<string, number>; title: string }>

interface Open {
  id: string
  rule: RuleName
  severity: Severity
  practice: string | null
  region: string | null
  systems: string[]
  owner: string
  amount_at_risk: string
}

export const settingsRoutes = routes()
  .openapi(getSettings, async (c) => {
    await refreshSettings(c.var.services.db, c.var.services.config)
    return c.json(
      {
        ...inForce(c),
        defaults: DEFAULTS,
        sla_defaults: SLA_DEFAULT_HOURS,
      },
      200,
    )
  })
  .openapi(putSettings, async (c) => {
    const s = c.req.valid('json')
    const match = ifMatch(c.req.valid('header')['if-match'])
    await audited(c, 'config_change', 'settings', s, () => saveSettings(c.var.services.db, c.var.services.config, s, actorName(c.var.principal), match))
    c.var.services.detector.afterSettings()
    return c.json(inForce(c), 200)
  })
  .openapi(previewRouting, async (c) => {
    const { routing, rules } = c.req.valid('json')
    await refreshSettings(c.var.services.db, c.var.services.config)
    const rows = await queryRows<Open>(c.var.services.db, 'settings.route_preview', sqlFile('settings/route_preview.sql'), { reporting: c.var.services.config.reporting_currency }, { join_use_nulls: 1 })
    const config = { ...c.var.services.config, routing, rules: rules ?? c.var.services.config.rules }
    // Money is summed exactly, as decimal text (lib/decimal.ts), never through a float.
    const routes = routing.map((r, i) => ({ index: i, owner: r.owner, count: 0, amount_at_risk: '0', sample: [] as string[] }))
    let changed = 0
    for (const stored of rows) {
      // Graded as the drafted rules would grade it: a route may match on severity.
      const e = rules ? { ...stored, severity: severityOf(config, stored.rule) } : stored
      const owner = routeOwner(config, e)
      const i = routing.findIndex((r) => routeMatches(r.match, e))
      if (i >= 0) {
        routes[i].count++
        routes[i].amount_at_risk = addDecimals(routes[i].amount_at_risk, e.amount_at_risk ?? '0')
        if (routes[i].sample.length < 5) routes[i].sample.push(e.id)
      }
      if (owner !== stored.owner) changed++
    }
    return exact<z.output<typeof RoutePreview>>(c, {
      open: rows.length,
      unrouted: rows.length - routes.reduce((n, r) => n + r.count, 0),
      owner_changes: changed,
      routes: routes.map((r) => ({ ...r, amount_at_risk: dec(r.amount_at_risk)! })),
    })
  })

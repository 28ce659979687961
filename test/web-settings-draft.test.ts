// The settings editor's draft: only what differs from the catalogue is sent, blank match fields
// mean "any", shadowed routes are found, and the field a 400 names is read back.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../web/lib/api.ts'
import { badField, hoursLabel, newRoute, routingRules, shadowedBy, toBody, toDraft } from '../web/routes/settings/draft.ts'
import type { RuleDefault } from '../web/lib/endpoints.ts'

const defaults: Record<string, RuleDefault> = {
  time_entry_missing_in_erp: { severity: 'high', owner: 'finance-ops', finance: true, params: { grace_hours: 24 }, title: 'Approved time missing in ERP' },
  source_stale: { severity: 'medium', owner: 'integrations', finance: false, params: { max_age_hours: 24 }, title: 'Source stale' },
} as unknown as Record<string, RuleDefault>
const sla = { critical: 4, high: 24, medium: 72, low: 168 }

describe('settings draft', () => {
  it('sends only what differs from the defaults, and blank match fields as "any"', () => {
    const saved = { routing: [], rules: { source_stale: { max_age_hours: 24 } }, sla_hours: { high: 24 } }
    const d = toDraft(saved as never, defaults, sla)
    // An override equal to the default is no override.
    expect(toBody(d, defaults, sla)).toEqual({ routing: [], rules: {}, sla_hours: {} })
    d.rules.time_entry_missing_in_erp.severity = 'critical'
    d.rules.time_entry_missing_in_erp.params.grace_hours = '48'
    d.rules.source_stale.enabled = false
    d.sla.critical = '2'
    d.routes.push({ ...newRoute(' apac-finance '), rule: 'time_entry_missing_in_erp', region: '  ' })
    expect(toBody(d, defaults, sla)).toEqual({
      routing: [{ match: { rule: 'time_entry_missing_in_erp' }, owner: 'apac-finance' }],
      rules: { time_entry_missing_in_erp: { severity: 'critical', grace_hours: 48 }, source_stale: { enabled: false } },
      sla_hours: { critical: 2 },
    })
    // A routing preview gets the drafted owners and severities only, not thresholds or on/off.
    d.rules.source_stale.owner = 'ops-lead'
    d.rules.source_stale.params.max_age_hours = '-1'
    expect(routingRules(d, defaults)).toEqual({ time_entry_missing_in_erp: { severity: 'critical' }, source_stale: { owner: 'ops-lead' } })
  })

  it('finds routes an earlier one always takes first', () => {
    expect(shadowedBy([
      { match: { rule: 'source_stale' }, owner: 'a' },
      { match: { rule: 'source_stale', region: 'EMEA' }, owner: 'b' },
      { match: { region: 'EMEA' }, owner: 'c' },
    ])).toEqual([-1, 0, -1])
  })

  it('reads the field a 400 names, and labels SLAs', () => {
    expect(badField(new ApiError(400, 'bad_parameter', 'settings field rules.source_stale.max_age_hours: Too small', { field: 'rules.source_stale.max_age_hours' }))).toBe('rules.source_stale.max_age_hours')
    expect(badField(new ApiError(400, 'bad_parameter', 'm', { field: 'routing[1].owner' }))).toBe('routing[1].owner')
    // The message alone names nothing to highlight: only details.field does.
    expect(badField(new Error('settings field rules.x.y: bad'))).toBeNull()
    expect(badField(new ApiError(503, 'storage_unavailable', 'Storage is unavailable'))).toBeNull()
    expect(badField(new ApiError(400, 'bad_parameter', 'm', { field: 3 }))).toBeNull()
    expect(badField(null)).toBeNull()
    expect([hoursLabel(4), hoursLabel(24), hoursLabel(36), hoursLabel(168)]).toEqual(['4 hours', '1 day', '36 hours', '7 days'])
  })
})

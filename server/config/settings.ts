// Run-time settings: routing, rule overrides and SLAs an admin edits in the dashboard. They are
// validated with the config file's own schemas, stored as versions, and applied over the file's
// values in place, so every part of the server sees the change at once.
import { z } from 'zod'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { configSchema, type Config } from './schema.ts'

// Only what is sent changes: the config schema's defaults are left out here.
export const settingsSchema = z.strictObject({
  routing: configSchema.shape.routing.unwrap().optional(),
  rules: configSchema.shape.rules.unwrap().optional(),
  sla_hours: configSchema.shape.sla_hours.unwrap().optional(),
})
export type Settings = z.output<typeof settingsSchema>

export function currentSettings(config: Config) {
  return { routing: config.routing, rules: config.rules, sla_hours: config.sla_hours }
}

function apply(config: Config, s: Settings): void {
  if (s.routing) config.routing.splice(0, config.routing.length, ...s.routing)
  if (s.rules) {
    for (const k of Object.keys(config.rules)) delete (config.rules as Record<string, unknown>)[k]
    Object.assign(config.rules, s.rules)
  }
  if (s.sla_hours) {
    for (const k of Object.keys(config.sla_hours)) delete (config.sla_hours as Record<string, unknown>)[k]
    Object.assign(config.sla_hours, s.sla_hours)
  }
}

/** At start: the newest saved settings, over the config file. */
export async function loadSettings(db: Db, config: Config): Promise<void> {
  const [row] = await queryRows<{ body: string }>(db, 'settings.latest', 'SELECT body FROM settings ORDER BY version DESC LIMIT 1')
  if (!row) return
  const parsed = settingsSchema.safeParse(JSON.parse(row.body))
  if (parsed.success) apply(config, parsed.data)
  else console.error('saved settings no longer validate; using the config file:', parsed.error.issues[0]?.message)
}

export async function saveSettings(db: Db, config: Config, s: Settings, actor: string): Promise<void> {
  const next = { ...currentSettings(config), ...s }
  await insertRows(db, 'settings', [{ version: microsToCh(arrivalMicros()), actor, body: JSON.stringify(next) }])
  apply(config, s)
}

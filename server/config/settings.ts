// Run-time settings: routing, rule overrides and SLAs an admin edits in the dashboard. They are
// validated with the config file's own schemas, stored as versions, and applied over the file's
// values in place, so every part of the server sees the change at once.
import { z } from 'zod'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { AppError } from '../lib/errors.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { configSchema, ownerSchema, smtpSchema, type Config } from './schema.ts'
import { logOf } from '../observability/log.ts'

// Only what is sent changes: the config schema's defaults are left out here.
export const settingsSchema = z.strictObject({
  routing: configSchema.shape.routing.unwrap().optional(),
  rules: configSchema.shape.rules.unwrap().optional(),
  sla_hours: configSchema.shape.sla_hours.unwrap().optional(),
  reporting_currency: configSchema.shape.reporting_currency.unwrap().optional(),
  /** Owners and their notification channels; smtp and public_url serve them (null: none). */
  owners: z
    .array(ownerSchema)
    .superRefine((owners, ctx) => {
      const seen = new Set<string>()
      for (const [i, o] of owners.entries()) {
        if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `${o.id} is listed twice` })
        seen.add(o.id)
        // CONTRACT §4: people are reached by e-mail; team channels belong to teams.
        for (const k of ['webhook', 'slack_webhook', 'teams_webhook'] as const)
          if (o.type === 'person' && o[k]) ctx.addIssue({ code: 'custom', path: [i, k], message: `${o.id} is a person; people are reached by e-mail only` })
      }
    })
    .optional(),
  smtp: smtpSchema.nullable().optional(),
  public_url: configSchema.shape.public_url.unwrap().nullable().optional(),
})
export type Settings = z.output<typeof settingsSchema>

export function currentSettings(config: Config) {
  return {
    routing: config.routing,
    rules: config.rules,
    sla_hours: config.sla_hours,
    reporting_currency: config.reporting_currency,
    owners: config.owners,
    smtp: config.smtp ?? null,
    public_url: config.public_url ?? null,
  }
}

function apply(config: Config, s: Settings): void {
  if (s.routing) config.routing.splice(0, config.routing.length, ...s.routing)
  if (s.rules) {
    for (const k of Object.keys(config.rules)) delete (config.rules as Record<string, unknown>)[k]
    Object.assign(config.rules, s.rules)
  }
  if (s.reporting_currency) config.reporting_currency = s.reporting_currency
  if (s.owners) config.owners.splice(0, config.owners.length, ...s.owners)
  if (s.smtp !== undefined) config.smtp = s.smtp ?? undefined
  if (s.public_url !== undefined) config.public_url = s.public_url ?? undefined
  if (s.sla_hours) {
    for (const k of Object.keys(config.sla_hours)) delete (config.sla_hours as Record<string, unknown>)[k]
    Object.assign(config.sla_hours, s.sla_hours)
  }
}

/** Which saved settings are in force: '' for none yet (the config file's values). */
export interface Revision {
  version: string
  actor: string
}
const revisions = new WeakMap<Config, Revision>()
/** Saves of one server, one at a time: a version check and its save cannot interleave. */
const saving = new WeakMap<Config, Promise<unknown>>()

export const settingsRevision = (config: Config): Revision => revisions.get(config) ?? { version: '', actor: '' }

/** At start: the newest saved settings, over the config file. */
export async function loadSettings(db: Db, config: Config): Promise<void> {
  const [row] = await queryRows<{ body: string; version: string; actor: string }>(
    db,
    'settings.latest',
    sqlFile('settings/latest.sql'),
  )
  if (!row || row.version === settingsRevision(config).version) return
  const parsed = settingsSchema.safeParse(JSON.parse(row.body))
  if (parsed.success) {
    apply(config, parsed.data)
    revisions.set(config, { version: row.version, actor: row.actor })
  } else logOf(db).warn({ issue: parsed.error.issues[0]?.message }, 'saved settings no longer validate; using the config file')
}

/**
 * Before settings are shown, saved or applied: what any server saved since (servers sharing a
 * ClickHouse server share settings; the engine holds them, not this process).
 */
export const refreshSettings = loadSettings

/**
 * Saves over what is in force. With `expected` (the version the editor loaded), a save made
 * after someone else's is refused (409) rather than silently undoing their change: each save
 * carries every section, so the later one would restore what the earlier one changed.
 */
export function saveSettings(db: Db, config: Config, s: Settings, actor: string, expected?: string): Promise<void> {
  const run = async () => {
    await refreshSettings(db, config)
    const current = settingsRevision(config)
    if (expected !== undefined && expected !== current.version)
      throw new AppError(
        409,
        'settings_changed',
        `These settings were changed${current.actor ? ` by ${current.actor}` : ''}${current.version ? ` at ${current.version} UTC` : ''} after you loaded them. Load the saved settings, then make your changes again.`,
        { version: current.version, actor: current.actor },
      )
    const next = { ...currentSettings(config), ...s }
    const version = microsToCh(arrivalMicros())
    await insertRows(db, 'settings', [{ version, actor, body: JSON.stringify(next) }])
    apply(config, s)
    revisions.set(config, { version, actor })
  }
  const done = (saving.get(config) ?? Promise.resolve()).then(run, run)
  saving.set(config, done.catch(() => {}))
  return done
}

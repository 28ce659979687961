// The settings routes' contract: routing, rule overrides and SLAs an admin edits (validated by
// the config file's own schemas), their version for If-Match, and the routing preview.
import { createRoute } from '@hono/zod-openapi'
import { answers, decimal, z } from '../http/schemas.ts'
import { configSchema, ownerSchema, routeSchema, smtpSchema } from '../config/schema.ts'
import { settingsSchema } from '../config/settings.ts'
import { RULE_NAMES, SEVERITIES, type RuleName } from '../rules/catalog.ts'
import { answersAnd, errorOf, jsonBody, readsJson } from './auth.schema.ts'

// Objects rebuilt from the config's own shapes (same fields, same strictness): a schema made
// before @hono/zod-openapi is loaded has no .openapi(), and config/ may load first.
const Route = z.strictObject(routeSchema.shape).openapi('Route', { description: 'The first route whose match fits an exception names its owner.' })
const RuleOverrides = z.strictObject(configSchema.shape.rules.unwrap().shape).openapi('RuleOverrides', { description: 'Per rule, only what differs from its default.' })
const SlaHours = z.strictObject(configSchema.shape.sla_hours.unwrap().shape).openapi('SlaHours', { description: 'Hours to resolve, per severity; the defaults where absent.' })
const Owner = z.strictObject(ownerSchema.shape).openapi('Owner', { description: 'A team or a person, and its notification channels (server/notify/channels/).' })
const Smtp = z.strictObject(smtpSchema.shape).openapi('Smtp', { description: 'Outgoing e-mail; user and pass may be ${ENV_VAR} references.' })
const severity = z.enum(SEVERITIES)
const ruleName = z.enum(RULE_NAMES as [RuleName, ...RuleName[]])
const notJson = errorOf('The body is not sent as application/json.')

const SettingsChange = z.strictObject(settingsSchema.shape).openapi('SettingsChange', { description: 'Each part sent replaces that part; the others stay.' })

/** What PUT answers: the settings in force and their version. */
export const SettingsSaved = z
  .strictObject({
    routing: z.array(Route),
    rules: RuleOverrides,
    sla_hours: SlaHours,
    reporting_currency: z.string().openapi({ description: 'The currency KPIs and amounts at risk add up in (CONTRACT §5 Currency).', example: 'USD' }),
    owners: z.array(Owner),
    smtp: Smtp.nullable(),
    public_url: z.string().nullable().openapi({ description: 'The dashboard\'s address for links in notifications.' }),
    version: z.string().openapi({ description: 'Also the ETag; send it back as If-Match. Empty until settings are first saved.' }),
    saved_by: z.string().openapi({ description: 'Who saved this version; empty until settings are first saved.' }),
  })
  .openapi('SettingsSaved')

const RuleDefault = z
  .strictObject({ severity, owner: z.string(), finance: z.boolean(), params: z.record(z.string(), z.number()), title: z.string() })
  .openapi('RuleDefault')

export const Settings = SettingsSaved.extend({
  defaults: z.strictObject(Object.fromEntries(RULE_NAMES.map((r) => [r, RuleDefault])) as Record<RuleName, typeof RuleDefault>).openapi({ description: 'Each rule\'s catalogue defaults.' }),
  sla_defaults: z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.number()])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>).openapi({ description: 'Hours per severity where sla_hours gives none.' }),
}).openapi('Settings')

export const RoutePreview = z
  .strictObject({
    open: z.number().int().openapi({ description: 'Open and acknowledged exceptions.' }),
    unrouted: z.number().int().openapi({ description: 'Those no route matches: they go to their rule\'s owner.' }),
    owner_changes: z.number().int().openapi({ description: 'Those whose owner would change.' }),
    routes: z.array(
      z.strictObject({
        index: z.number().int(),
        owner: z.string(),
        count: z.number().int(),
        amount_at_risk: decimal.openapi({ description: 'Their money at risk in the reporting currency.' }),
        sample: z.array(z.string()).openapi({ description: 'Up to 5 exception ids.' }),
      }),
    ),
  })
  .openapi('RoutePreview')

export const getSettings = createRoute({
  method: 'get',
  path: '/',
  summary: 'The settings in force, with each rule\'s defaults and the owners',
  responses: answers(Settings, 'The settings in force (ETag: their version)'),
})

export const putSettings = createRoute({
  method: 'put',
  path: '/',
  summary: 'Save settings',
  middleware: readsJson(),
  request: {
    headers: z.object({
      'if-match': z.string().optional().openapi({ description: 'The version loaded (its ETag): a save over a newer one is refused with 409.' }),
    }),
    body: jsonBody(SettingsChange, 'The parts that change'),
  },
  responses: answersAnd(SettingsSaved, 'The settings now in force (ETag: their version)', {
    409: errorOf('settings_changed: someone saved after the If-Match version; details name their version and actor.'),
    415: notJson,
  }),
})

export const previewRouting = createRoute({
  method: 'post',
  path: '/routing/preview',
  summary: 'Which open exceptions each drafted route would take',
  middleware: readsJson(),
  request: {
    body: jsonBody(
      z.strictObject({
        routing: z.array(Route),
        rules: RuleOverrides.optional().openapi({ description: 'The draft\'s rule overrides, so a drafted owner or severity counts as it will once saved.' }),
      }),
      'The drafted routes (and rule overrides)',
    ),
  },
  responses: answersAnd(RoutePreview, 'Per route: how many it would take, their amount at risk, a sample', { 415: notJson }),
})

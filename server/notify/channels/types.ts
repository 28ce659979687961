// What every channel driver implements (one file per channel beside this one).
import type { Config } from '../../config/schema.ts'
import { badRequest } from '../../lib/errors.ts'
import type { ChannelContent } from './index.ts'

export const CHANNELS = ['email', 'slack', 'teams', 'webhook'] as const
export type Channel = (typeof CHANNELS)[number]

/** Where a delivery goes: `url` is stored with it (an http(s) URL, or mailto: for e-mail). */
export interface Target {
  url: string
}

export interface SendContext {
  deliveryId: string
  /** 1-based, counting attempts an earlier process made. */
  attempt: number
  signal: AbortSignal
  now: Date
}

/** A failed send throws; `status` is the HTTP status or the SMTP reply code (0 if none). */
export class SendError extends Error {
  constructor(message: string, readonly status = 0) {
    super(message)
  }
}

export interface ChannelDriver {
  /** The owner's config field that turns this channel on (named in errors). */
  field: string
  /** Null when the owner has not configured this channel; throws a ChannelConfigError when it is unusable. */
  target(config: Config, owner: string): Target | null
  /** One attempt: resolves with the status on success, throws SendError on failure. */
  send(config: Config, target: Target, content: ChannelContent, ctx: SendContext): Promise<number>
}

/** A channel config that cannot be used, named by its config field (answered as 400). */
export const channelConfigError = (field: string, message: string) => badRequest('bad_channel_config', `${field}: ${message}`, { field })

/** `${ENV_VAR}` references resolved when sending, so a secret never sits in the config or settings. */
export function resolveRef(value: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name]
    if (v === undefined || v === '') throw channelConfigError(field, `refers to the environment variable ${name}, which is not set`)
    return v
  })
}

/** The owner and its index in config.owners (for field names in errors). */
export function ownerAt(config: Config, owner: string) {
  const i = config.owners.findIndex((o) => o.id === owner)
  return i < 0 ? null : { owner: config.owners[i], field: `owners[${i}]` }
}

/** A person owner is reached by e-mail only (CONTRACT §4: owners are teams or people). */
export function teamOnly(config: Config, owner: string, key: 'webhook' | 'slack_webhook' | 'teams_webhook'): { url: string } | null {
  const at = ownerAt(config, owner)
  const url = at?.owner[key]
  if (!at || !url) return null
  if (at.owner.type === 'person') throw channelConfigError(`${at.field}.${key}`, `${owner} is a person; people are reached by e-mail only`)
  return { url }
}

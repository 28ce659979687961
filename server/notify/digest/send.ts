// Digests go out through the notification channels (server/notify/channels/). Owners are
// reached on every channel they have configured; a person (an executive, a subscriber) by a
// one-off recipient of their own, the same drivers with the same retries and records.
import type { Db } from '../../db/client.ts'
import type { Config } from '../../config/schema.ts'
import type { Clock } from '../../lib/clock.ts'
import { deliver, ownerChannels, type DeliveryResult } from '../channels/index.ts'
import type { DigestMessage } from './render.ts'

export type Recipient =
  | { kind: 'owner'; owner: string }
  | { kind: 'email'; id: string; email: string }
  | { kind: 'slack'; id: string; url: string }

type Owner = Config['owners'][number]

/** The config with this recipient as an owner the channels can reach (owners left as they are). */
function withRecipient(config: Config, r: Recipient): { config: Config; owner: string } {
  if (r.kind === 'owner') return { config, owner: r.owner }
  const owner: Owner = r.kind === 'email' ? { id: r.id, type: 'person', email: r.email } : { id: r.id, type: 'team', slack_webhook: r.url }
  return { config: { ...config, owners: [...config.owners.filter((o) => o.id !== r.id), owner] }, owner: r.id }
}

/**
 * The config a stored delivery is sent with. A one-off recipient (an executive `user:<id>`, a
 * `subscription:<id>`) is no owner of the config: it is rebuilt from where the delivery was
 * stored as going, so one left pending by a stopped server is still sent after a restart.
 */
export function configForStored(config: Config, d: { owner: string; channel: string; url: string }): Config {
  if (!/^(user|subscription):/.test(d.owner) || config.owners.some((o) => o.id === d.owner)) return config
  if (d.channel === 'email' && d.url.startsWith('mailto:')) return withRecipient(config, { kind: 'email', id: d.owner, email: d.url.slice('mailto:'.length) }).config
  if (d.channel === 'slack') return withRecipient(config, { kind: 'slack', id: d.owner, url: d.url }).config
  return config
}

/** Whether the recipient can be reached at all (e-mail needs smtp). */
export function reachable(config: Config, r: Recipient): boolean {
  const t = withRecipient(config, r)
  return ownerChannels(t.config, t.owner).length > 0
}

/** Sends on every channel the recipient has; resolves when each delivery has its outcome. */
export async function send(db: Db, config: Config, r: Recipient, message: DigestMessage, clock: Clock): Promise<DeliveryResult[]> {
  const t = withRecipient(config, r)
  const out: DeliveryResult[] = []
  for (const channel of ownerChannels(t.config, t.owner)) out.push(await deliver(db, t.config, t.owner, channel, message, { clock }))
  return out
}

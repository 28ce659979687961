// The generic JSON webhook: the message as JSON, signed with the owner's shared secret.
// X-Crosswalk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">, with the
// timestamp (Unix seconds) in X-Crosswalk-Timestamp: a receiver recomputes it, compares in
// constant time and refuses an old timestamp, so a captured request cannot be replayed.
import crypto from 'node:crypto'
import type { ChannelContent } from './index.ts'
import { postJson } from './http.ts'
import { ownerAt, resolveRef, teamOnly, type ChannelDriver } from './types.ts'

/** The signature header's value for a body sent at `timestamp` (Unix seconds). */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** The JSON sent: the message without its e-mail-only HTML. */
export function webhookBody(content: ChannelContent): string {
  const { html: _html, ...rest } = content
  return JSON.stringify(rest)
}

export const webhookChannel: ChannelDriver = {
  field: 'webhook',
  target: (config, owner) => teamOnly(config, owner, 'webhook'),
  async send(config, target, content, ctx) {
    const body = webhookBody(content)
    // The delivery id lets a receiver drop a retry of a message it already took.
    const headers: Record<string, string> = { 'x-crosswalk-delivery': ctx.deliveryId, 'x-crosswalk-attempt': String(ctx.attempt) }
    const at = ownerAt(config, content.owner)
    if (at?.owner.webhook_secret) {
      const secret = resolveRef(at.owner.webhook_secret, `${at.field}.webhook_secret`)
      const timestamp = String(Math.floor(ctx.now.getTime() / 1000))
      headers['x-crosswalk-timestamp'] = timestamp
      headers['x-crosswalk-signature'] = signature(secret, timestamp, body)
    }
    return postJson(target.url, body, headers, ctx.signal)
  },
}

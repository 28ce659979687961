// The notification channels' working copy (owners, SMTP, public URL) and how it becomes the body
// of PUT /api/v1/settings. Inputs hold strings; a blank one is left out, so the server's own
// validation names whatever is wrong. Pure.
import type { SettingsAnswer } from '../../lib/endpoints.ts'

export const OWNER_FIELDS = ['id', 'name', 'email', 'slack_webhook', 'teams_webhook', 'webhook', 'webhook_secret'] as const
export type OwnerField = (typeof OWNER_FIELDS)[number]
/** An owner's digest as edited: frequency '' means none set (the server's default, no digest). */
export interface DigestDraft {
  frequency: '' | 'daily' | 'weekly' | 'off'
  local_time: string
  time_zone: string
  weekday: string
}
export type OwnerDraft = Record<OwnerField, string> & { type: 'team' | 'person'; key: number; digest: DigestDraft }

export const SMTP_FIELDS = ['host', 'port', 'from', 'user', 'pass'] as const
export type SmtpDraft = Record<(typeof SMTP_FIELDS)[number], string> & { secure: 'starttls' | 'tls' | 'none' }

export interface ChannelsDraft {
  public_url: string
  smtp: SmtpDraft
  owners: OwnerDraft[]
}

type Owner = SettingsAnswer['owners'][number]
type Smtp = NonNullable<SettingsAnswer['smtp']>

let nextKey = 1
export function newOwner(o: Partial<Owner> = {}): OwnerDraft {
  const fields = Object.fromEntries(OWNER_FIELDS.map((f) => [f, String(o[f] ?? '')])) as Record<OwnerField, string>
  const d = o.digest
  const digest: DigestDraft = { frequency: d?.frequency ?? '', local_time: d?.local_time ?? '08:00', time_zone: d?.time_zone ?? 'UTC', weekday: d?.weekday ?? 'monday' }
  return { ...fields, type: o.type ?? 'team', key: nextKey++, digest }
}

export function toChannelsDraft(a: Pick<SettingsAnswer, 'owners' | 'smtp' | 'public_url'>): ChannelsDraft {
  const s = a.smtp
  return {
    public_url: a.public_url ?? '',
    smtp: { host: s?.host ?? '', port: s ? String(s.port) : '', from: s?.from ?? '', user: s?.user ?? '', pass: s?.pass ?? '', secure: s?.secure ?? 'starttls' },
    owners: a.owners.map(newOwner),
  }
}

/** What is sent: blank inputs left out; no SMTP host means no SMTP. */
export function channelsBody(d: ChannelsDraft) {
  const owners = d.owners.map((o) => {
    const out: Record<string, string> = { type: o.type }
    for (const f of OWNER_FIELDS) if (o[f].trim()) out[f] = o[f].trim()
    // Kept as it was loaded: saving the channels never drops an owner's digest.
    const d = o.digest
    const digest = d.frequency
      ? { frequency: d.frequency, local_time: d.local_time.trim(), time_zone: d.time_zone.trim(), ...(d.frequency === 'weekly' ? { weekday: d.weekday } : {}) }
      : undefined
    return { ...out, ...(digest ? { digest } : {}) } as unknown as Owner
  })
  const s = d.smtp
  const smtp: Smtp | null = s.host.trim()
    ? {
        host: s.host.trim(),
        // Sent as typed when it is not a number, so the server names it.
        port: s.port.trim() ? (Number.isFinite(Number(s.port)) ? Number(s.port) : (s.port as unknown as number)) : 587,
        secure: s.secure,
        from: s.from.trim(),
        ...(s.user.trim() ? { user: s.user.trim() } : {}),
        ...(s.pass.trim() ? { pass: s.pass.trim() } : {}),
      }
    : null
  return { owners, smtp, public_url: d.public_url.trim() || null }
}

/** The channels an owner has filled in (the ones "Send test" can try once saved). */
export function draftChannels(o: OwnerDraft): Array<'email' | 'slack' | 'teams' | 'webhook'> {
  const out: Array<'email' | 'slack' | 'teams' | 'webhook'> = []
  if (o.email.trim()) out.push('email')
  if (o.slack_webhook.trim()) out.push('slack')
  if (o.teams_webhook.trim()) out.push('teams')
  if (o.webhook.trim()) out.push('webhook')
  return out
}

// The notification channels' draft: what the Settings page sends for owners, SMTP and the public
// address (blank inputs left out, no SMTP host = no SMTP), and which channels "Send test" offers.
import { describe, expect, it } from 'vitest'
import { settingsSchema } from '../server/config/settings.ts'
import { channelsBody, draftChannels, newOwner, toChannelsDraft } from '../web/routes/settings/channels-draft.ts'

describe('channels draft', () => {
  it('round-trips the saved channels and sends what the server accepts', () => {
    const saved = {
      owners: [
        { id: 'billing', type: 'team' as const, email: 'billing@example.com', slack_webhook: 'https://hooks.slack.com/services/T/B/x', webhook_secret: '${HOOK}' },
        { id: 'cfo', type: 'person' as const, email: 'cfo@example.com' },
      ],
      smtp: { host: 'smtp.example.com', port: 465, secure: 'tls' as const, from: 'crosswalk@example.com', pass: '${SMTP_PASSWORD}' },
      public_url: 'https://crosswalk.example.com',
    }
    const body = channelsBody(toChannelsDraft(saved))
    expect(body).toEqual(saved)
    expect(settingsSchema.safeParse(body).success).toBe(true)
  })

  it('leaves blank inputs out, drops SMTP without a host, and sends a non-number port for the server to name', () => {
    const d = toChannelsDraft({ owners: [], smtp: null, public_url: null })
    d.owners.push({ ...newOwner(), id: ' ops ', slack_webhook: '  ' })
    expect(channelsBody(d)).toEqual({ owners: [{ id: 'ops', type: 'team' }], smtp: null, public_url: null })
    d.smtp = { ...d.smtp, host: 'mail', from: 'x@example.com', port: 'abc' }
    const bad = settingsSchema.safeParse(channelsBody(d))
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0].path).toEqual(['smtp', 'port'])
  })

  it("keeps each owner's digest through a save, and sends a changed one as the server reads it", () => {
    const weekly = { frequency: 'weekly' as const, local_time: '07:30', time_zone: 'Europe/Berlin', weekday: 'friday' as const }
    const d = toChannelsDraft({ owners: [{ id: 'billing', type: 'team', email: 'b@example.com', digest: weekly }, { id: 'ops', type: 'team' }], smtp: null, public_url: null })
    expect(channelsBody(d).owners).toEqual([{ id: 'billing', type: 'team', email: 'b@example.com', digest: weekly }, { id: 'ops', type: 'team' }])
    d.owners[1].digest = { ...d.owners[1].digest, frequency: 'daily', local_time: '09:15', time_zone: 'America/New_York' }
    const body = channelsBody(d)
    // A daily digest carries no weekday.
    expect(body.owners[1]).toEqual({ id: 'ops', type: 'team', digest: { frequency: 'daily', local_time: '09:15', time_zone: 'America/New_York' } })
    expect(settingsSchema.safeParse(body).success).toBe(true)
    d.owners[1].digest.time_zone = 'Mars/Olympus'
    const bad = settingsSchema.safeParse(channelsBody(d))
    expect(bad.error?.issues[0].path).toEqual(['owners', 1, 'digest', 'time_zone'])
  })

  it('offers "Send test" for the channels filled in', () => {
    expect(draftChannels({ ...newOwner(), email: 'a@example.com', teams_webhook: 'https://x.example' })).toEqual(['email', 'teams'])
    expect(draftChannels(newOwner())).toEqual([])
  })
})

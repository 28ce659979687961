// Notification channels on the Settings page: an admin configures the SMTP server, adds an owner
// with an e-mail and a Slack channel and a weekly digest, saves, presses "Send test" on each and sees it delivered.
// The spec runs its own SMTP server and Slack receiver on 127.0.0.1, and puts the settings back.
import { expect, json, shot, signIn, test } from './fixtures.ts'
import type { SettingsAnswer } from '../../web/lib/endpoints.ts'
import { httpReceiver, smtpReceiver } from '../helpers/channel-receivers.ts'

const PUBLIC = 'https://crosswalk.example.com'

test('admin configures e-mail and Slack for an owner and sends a test on each', async ({ page, api }) => {
  const before = await json<SettingsAnswer>(api, '/api/v1/settings')
  const smtp = await smtpReceiver()
  const slack = await httpReceiver()
  try {
    await signIn(page, 'admin', '/settings')
    const card = page.getByTestId('channels')
    await expect(card).toBeVisible()
    await card.getByTestId('channels-public-url').fill(PUBLIC)
    await card.getByTestId('smtp-host').fill('127.0.0.1')
    await card.getByTestId('smtp-port').fill(String(smtp.port))
    await card.getByTestId('smtp-from').fill('Crosswalk <crosswalk@example.com>')
    await card.getByTestId('smtp-secure').selectOption('none')

    await card.getByTestId('channels-add-owner').click()
    const owner = card.getByTestId(`owner-channels-${before.owners.length}`)
    await owner.getByTestId('owner-id').fill('e2e-channels')
    await owner.getByTestId('owner-name').fill('E2E channels team')
    await owner.getByTestId('owner-email').fill('e2e-channels@example.com')
    await owner.getByTestId('owner-slack_webhook').fill(slack.url)
    // A weekly digest, Fridays at 07:30 Berlin time.
    await owner.getByTestId('owner-digest-frequency').selectOption('weekly')
    await owner.getByTestId('owner-digest-weekday').selectOption('friday')
    await owner.getByTestId('owner-digest-time').fill('07:30')
    await owner.getByTestId('owner-digest-tz').fill('Europe/Berlin')
    // A test uses the saved settings: not before saving.
    await expect(owner.getByTestId('send-test-email')).toBeDisabled()
    await expect(card.getByTestId('channels-dirty')).toBeVisible()
    await card.getByTestId('channels-save').click()
    await expect(card.getByTestId('channels-dirty')).toHaveCount(0)

    await owner.getByTestId('send-test-email').click()
    await expect(owner.getByTestId('test-result-email')).toHaveText('Delivered')
    await owner.getByTestId('send-test-slack').click()
    await expect(owner.getByTestId('test-result-slack')).toHaveText('Delivered')
    await shot(page, 'settings-channels')

    expect(smtp.mails).toHaveLength(1)
    expect(smtp.mails[0].envelopeTo).toEqual(['e2e-channels@example.com'])
    expect(smtp.mails[0].parsed.subject).toBe('Crosswalk test message for e2e-channels')
    expect(smtp.mails[0].parsed.text).toContain(`${PUBLIC}/exceptions?owner=e2e-channels`)
    expect(slack.requests).toHaveLength(1)
    expect(slack.requests[0].body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'Crosswalk test message for e2e-channels' } })

    // Saved for real: the API has the owner and its channels.
    const after = await json<SettingsAnswer>(api, '/api/v1/settings')
    expect(after.owners.find((o) => o.id === 'e2e-channels')).toMatchObject({
      email: 'e2e-channels@example.com',
      slack_webhook: slack.url,
      digest: { frequency: 'weekly', weekday: 'friday', local_time: '07:30', time_zone: 'Europe/Berlin' },
    })
    expect(after.smtp).toMatchObject({ host: '127.0.0.1', port: smtp.port, secure: 'none' })
  } finally {
    const res = await api.put('/api/v1/settings', { data: { owners: before.owners, smtp: before.smtp, public_url: before.public_url } })
    expect(res.ok(), `restoring settings → ${res.status()}`).toBe(true)
    await smtp.close()
    await slack.close()
  }
})

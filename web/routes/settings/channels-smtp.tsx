// Admin: the outgoing mail server every e-mail channel uses, and the dashboard's public address
// that notifications link to. Secrets are best given as ${ENV_VAR} references.
import { For } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import type { ChannelsDraft, SmtpDraft } from './channels-draft.ts'

const LABELS: Record<Exclude<keyof SmtpDraft, 'secure'>, [string, string]> = {
  host: ['SMTP host', 'smtp.example.com'],
  port: ['Port', '587'],
  from: ['From', 'Crosswalk <crosswalk@example.com>'],
  user: ['User', 'crosswalk or ${SMTP_USER}'],
  pass: ['Password', '${SMTP_PASSWORD}'],
}

export default function SmtpFields(props: { draft: ChannelsDraft; setDraft: SetStoreFunction<ChannelsDraft>; invalid: string | null }) {
  return (
    <div class="channels-smtp">
      <label class="field">
        <span>Dashboard address (links in notifications)</span>
        <input
          type="url"
          placeholder="https://crosswalk.example.com"
          value={props.draft.public_url}
          onInput={(e) => props.setDraft('public_url', e.currentTarget.value)}
          data-testid="channels-public-url"
          data-field="public_url"
          classList={{ invalid: props.invalid === 'public_url' }}
        />
      </label>
      <div class="prefs">
        <For each={Object.keys(LABELS) as Array<keyof typeof LABELS>}>
          {(f) => (
            <label class="field">
              <span>{LABELS[f][0]}</span>
              <input
                type={f === 'port' ? 'number' : 'text'}
                placeholder={LABELS[f][1]}
                value={props.draft.smtp[f]}
                onInput={(e) => props.setDraft('smtp', f, e.currentTarget.value)}
                data-testid={`smtp-${f}`}
                data-field={`smtp.${f}`}
                classList={{ invalid: props.invalid === `smtp.${f}` }}
              />
            </label>
          )}
        </For>
        <label class="field">
          <span>Security</span>
          <select value={props.draft.smtp.secure} onChange={(e) => props.setDraft('smtp', 'secure', e.currentTarget.value as SmtpDraft['secure'])} data-testid="smtp-secure" data-field="smtp.secure">
            <option value="starttls">STARTTLS (required)</option>
            <option value="tls">TLS from the start (port 465)</option>
            <option value="none">None (a local relay only)</option>
          </select>
        </label>
      </div>
      <p class="muted small">
        The password is best given as an environment variable reference such as <code>{'${SMTP_PASSWORD}'}</code>: the server reads it when it sends.
      </p>
    </div>
  )
}

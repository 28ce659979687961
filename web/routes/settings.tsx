// Settings: this browser's preferences for everyone; users, tokens, rules, service levels,
// routing, detection and the audit log for admins.
import { Show } from 'solid-js'
import { isAdmin, ROLE_LABELS } from '../lib/permissions.ts'
// Money is shown in the server's reporting currency (an admin sets it below), not a browser's choice.
import { pollMs, setPollMs, setTheme, setUtilizationTarget, theme, utilizationTarget } from '../lib/prefs.ts'
import { currentUser, session } from '../lib/session.ts'
import SettingsEditor from './settings/editor.tsx'
import Channels from './settings/channels.tsx'
import { Operations } from './settings/system.tsx'
import Tokens from './settings/tokens.tsx'
import Subscriptions from './settings/subscriptions.tsx'
import Users from './settings/users.tsx'

export default function Settings() {
  const admin = () => isAdmin(currentUser()?.role ?? 'executive')
  return (
    <div class="page settings" data-testid="settings">
      <header class="page-head">
        <div>
          <h1>Settings</h1>
          <p class="muted">
            Signed in as {currentUser()?.name} ({currentUser()?.email}) · {ROLE_LABELS[currentUser()?.role ?? 'executive']}
            {(() => {
              const s = session()
              return s.status === 'signed-in' && s.mode === 'token' ? ' · with an API token' : ''
            })()}
          </p>
        </div>
      </header>
      <section class="card">
        <header class="card-head">
          <div>
            <h2>Preferences</h2>
            <p class="muted small">Kept in this browser.</p>
          </div>
        </header>
        <div class="prefs">
          <label class="field">
            <span>Theme</span>
            <select value={theme()} onChange={(e) => setTheme(e.currentTarget.value as 'light' | 'dark')} data-testid="pref-theme">
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <label class="field">
            <span>Utilization target (%)</span>
            <input type="number" min="10" max="120" value={Math.round(utilizationTarget() * 100)} onChange={(e) => Number(e.currentTarget.value) >= 10 && setUtilizationTarget(Number(e.currentTarget.value) / 100)} />
          </label>
          <label class="field">
            <span>Check for new exceptions every</span>
            <select value={String(pollMs())} onChange={(e) => setPollMs(Number(e.currentTarget.value))}>
              <option value="5000">5 seconds</option>
              <option value="15000">15 seconds</option>
              <option value="60000">minute</option>
            </select>
          </label>
        </div>
      </section>
      <Show when={admin()}>
        <Users />
        <Tokens />
        <Subscriptions />
        <SettingsEditor />
        <Channels />
        <Operations />
      </Show>
    </div>
  )
}

// Sign in with an account (email and password) or an API token.
import { useNavigate, useSearchParams } from '@solidjs/router'
import { createEffect, createSignal, Show } from 'solid-js'
import { errorMessage } from '../lib/api.ts'
import { homeOf } from '../lib/permissions.ts'
import { session, signIn } from '../lib/session.ts'

export default function SignIn() {
  const [params] = useSearchParams<{ next?: string }>()
  const navigate = useNavigate()
  const [mode, setMode] = createSignal<'account' | 'token'>('account')
  const [email, setEmail] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [token, setToken] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const next = () => {
    const n = params.next
    return n && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/sign-in') ? n : null
  }
  createEffect(() => {
    const s = session()
    if (s.status === 'signed-in') navigate(next() ?? homeOf(s.user.role), { replace: true })
  })

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signIn(mode() === 'token' ? { token: token().trim() } : { email: email().trim(), password: password() })
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="signin">
      <form class="signin-card" onSubmit={submit} data-testid="sign-in">
        <div class="logo logo-lg">
          <svg viewBox="0 0 32 32" width="34" height="34" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="var(--accent)" />
            <path d="M8 11h16M8 16h16M8 21h16" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-dasharray="3 3.2" />
          </svg>
          <span>Crosswalk</span>
        </div>
        <h1>Sign in</h1>
        <p class="muted">Where your CRM, PSA, ERP and HR agree, and where they do not.</p>
        <Show when={session().status === 'signed-out' && (session() as { reason?: string }).reason}>
          <p class="notice" data-testid="session-note">
            {(session() as { reason?: string }).reason}
          </p>
        </Show>
        <Show
          when={mode() === 'account'}
          fallback={
            <label class="field">
              <span>API token</span>
              <input type="password" autocomplete="off" required value={token()} onInput={(e) => setToken(e.currentTarget.value)} data-testid="token" placeholder="Paste a token" autofocus />
            </label>
          }
        >
          <label class="field">
            <span>Email</span>
            <input type="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} data-testid="email" autofocus />
          </label>
          <label class="field">
            <span>Password</span>
            <input type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} data-testid="password" />
          </label>
        </Show>
        <Show when={error()}>
          <p class="form-error" role="alert" data-testid="sign-in-error">
            {error()}
          </p>
        </Show>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy()} data-testid="sign-in-submit">
          {busy() ? 'Signing in…' : 'Sign in'}
        </button>
        <button type="button" class="link-btn" onClick={() => (setMode(mode() === 'account' ? 'token' : 'account'), setError(null))} data-testid="sign-in-mode">
          {mode() === 'account' ? 'Use an API token instead' : 'Sign in with email and password'}
        </button>
      </form>
    </div>
  )
}

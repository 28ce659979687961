// Who is signed in. POST /auth/login (email and password, or a personal token) sets an HttpOnly
// session cookie and answers a CSRF token that every write sends back. The admin token (and
// any bearer token the login endpoint does not turn into a session) is kept for the tab's
// lifetime and sent as Authorization instead.
import { createSignal } from 'solid-js'
import { ApiError, credentials, invalidate, setUnauthorizedHandler } from './api.ts'
import type { User } from './endpoints.ts'
import { auth } from './endpoints.ts'

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: string }
  | { status: 'signed-in'; user: User; mode: 'session' | 'token' }

const [state, setState] = createSignal<SessionState>({ status: 'loading' })
export const session = state

export function currentUser(): User | null {
  const s = state()
  return s.status === 'signed-in' ? s.user : null
}

/** Asks the server who this is (cookie or stored token). */
async function whoAmI(): Promise<void> {
  const a = await auth.me()
  credentials.set({ csrf: a.csrf_token ?? null })
  setState({ status: 'signed-in', user: a.user, mode: a.via === 'session' ? 'session' : 'token' })
}

/** On start: the cookie session if there is one, else a token kept by this tab. */
export async function restore(): Promise<void> {
  try {
    await whoAmI()
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      credentials.set({ token: null, csrf: null })
      setState({ status: 'signed-out' })
    } else setState({ status: 'signed-out', reason: e instanceof Error ? e.message : String(e) })
  }
}

export async function signIn(input: { email: string; password: string } | { token: string }): Promise<User> {
  credentials.set({ token: null, csrf: null })
  if ('token' in input) {
    // Ask who the token is first: the admin token stays a bearer token for this tab; a
    // personal token is exchanged for a session cookie (HttpOnly, so scripts never hold it).
    credentials.set({ token: input.token })
    try {
      const me = await auth.me()
      if (me.via !== 'admin-token') credentials.set({ token: null })
      else {
        setState({ status: 'signed-in', user: me.user, mode: 'token' })
        invalidate()
        return me.user
      }
    } catch (e) {
      credentials.set({ token: null })
      if (e instanceof ApiError && e.status === 403) throw new ApiError(403, 'forbidden', 'This is a collector token: it can only send data. Sign in with your account or a personal token.')
      if (e instanceof ApiError && e.status === 401) throw new ApiError(401, 'unauthorized', 'That token is not valid.')
      throw e
    }
  }
  try {
    const a = await auth.login(input)
    credentials.set({ csrf: a.csrf_token ?? null })
    setState({ status: 'signed-in', user: a.user, mode: 'session' })
    invalidate()
    return a.user
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw new ApiError(401, e.code, 'token' in input ? 'That token is not valid.' : 'Wrong email or password.')
    throw e
  }
}

export async function signOut(): Promise<void> {
  const s = state()
  if (s.status === 'signed-in' && s.mode === 'session') await auth.logout().catch(() => undefined)
  credentials.set({ token: null, csrf: null })
  invalidate()
  setState({ status: 'signed-out' })
}

setUnauthorizedHandler(() => {
  if (state().status === 'signed-in') {
    credentials.set({ token: null, csrf: null })
    setState({ status: 'signed-out', reason: 'Your session has ended. Sign in again to continue.' })
  }
})

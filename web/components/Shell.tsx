// The frame around every page: navigation by role, theme switch, who is signed in.
import { A, useLocation, useNavigate } from '@solidjs/router'
import { For, Show, type JSX } from 'solid-js'
import { canSee, ROLE_LABELS, type Page } from '../lib/permissions.ts'
import { setTheme, theme } from '../lib/prefs.ts'
import { currentUser, signOut } from '../lib/session.ts'
import DemoLoading from './DemoLoading.tsx'
import Icon from './icons.tsx'
import Toasts from './Toasts.tsx'

const NAV: Array<{ page: Page; href: string; label: string }> = [
  { page: 'overview', href: '/', label: 'Overview' },
  { page: 'exceptions', href: '/exceptions', label: 'Exceptions' },
  { page: 'finance', href: '/finance', label: 'Finance' },
  { page: 'transactions', href: '/transactions', label: 'Transactions' },
  { page: 'sources', href: '/sources', label: 'Sources' },
  { page: 'settings', href: '/settings', label: 'Settings' },
]

function Logo() {
  return (
    <div class="logo">
      <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--accent)" />
        <path d="M8 11h16M8 16h16M8 21h16" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-dasharray="3 3.2" />
      </svg>
      <span>Crosswalk</span>
    </div>
  )
}

export default function Shell(props: { children?: JSX.Element }) {
  const location = useLocation()
  const navigate = useNavigate()
  const bare = () => location.pathname === '/sign-in' || !currentUser()
  const out = async () => {
    await signOut()
    navigate('/sign-in')
  }
  return (
    <>
      <Show when={!bare()} fallback={<main class="bare">{props.children}</main>}>
        <div class="app">
          <aside class="sidebar">
            <Logo />
            <nav class="nav" aria-label="Main">
              <For each={NAV.filter((n) => canSee(currentUser()!.role, n.page))}>
                {(n) => (
                  <A href={n.href} end={n.href === '/'} class="nav-link" activeClass="active" data-testid={`nav-${n.page}`}>
                    <Icon name={n.page} />
                    <span>{n.label}</span>
                  </A>
                )}
              </For>
            </nav>
            <div class="side-foot">
              <button
                class="icon-btn"
                data-testid="theme-toggle"
                aria-label={theme() === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
                title={theme() === 'dark' ? 'Light theme' : 'Dark theme'}
                onClick={() => setTheme(theme() === 'dark' ? 'light' : 'dark')}
              >
                <Icon name={theme() === 'dark' ? 'sun' : 'moon'} />
              </button>
              <div class="who" data-testid="who">
                <div class="who-name">{currentUser()!.name}</div>
                <div class="who-role" data-testid="role">
                  {ROLE_LABELS[currentUser()!.role]}
                </div>
              </div>
              <button class="icon-btn" onClick={out} aria-label="Sign out" title="Sign out" data-testid="sign-out">
                <Icon name="logout" />
              </button>
            </div>
          </aside>
          <main class="main" id="main">
            <DemoLoading />
            {props.children}
          </main>
        </div>
      </Show>
      <Toasts />
    </>
  )
}

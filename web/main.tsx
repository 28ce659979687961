// The dashboard's entry: session first, then pages loaded on demand (each route is its own
// chunk, so the overview does not pay for the exception table or the waterfall).
import { render } from 'solid-js/web'
import { Navigate, Route, Router, useLocation } from '@solidjs/router'
import { lazy, Match, Switch, type Component, type JSX } from 'solid-js'
import Shell from './components/Shell.tsx'
import { EmptyState } from './components/feedback.tsx'
import Icon from './components/icons.tsx'
import { canSee, type Page } from './lib/permissions.ts'
import { prefetchOverview } from './lib/prefetch.ts'
import { restore, session } from './lib/session.ts'
import './styles/base.css'
import './styles/layout.css'
import './styles/components.css'
import './styles/feedback.css'
import './styles/data.css'
import './styles/detail.css'
import './styles/pages.css'
import './styles/controls.css'
import './styles/work.css'
import './styles/finance.css'
import './styles/ops.css'
import './styles/settings.css'

const Overview = lazy(() => import('./routes/overview.tsx'))
const Exceptions = lazy(() => import('./routes/exceptions.tsx'))
const Finance = lazy(() => import('./routes/finance.tsx'))
const Transactions = lazy(() => import('./routes/transactions.tsx'))
const Sources = lazy(() => import('./routes/sources.tsx'))
const Settings = lazy(() => import('./routes/settings.tsx'))
const SignIn = lazy(() => import('./routes/sign-in.tsx'))

function Splash() {
  return (
    <div class="splash" data-testid="splash">
      <div class="spinner" />
    </div>
  )
}

function Forbidden() {
  return (
    <div class="page">
      <div class="card card-center">
        <EmptyState title="This page is not available for your role" testid="forbidden" icon={<Icon name="lock" size={28} />} action={<a class="btn btn-primary" href="/">Go to the overview</a>}>
          Ask an administrator if you need access. The overview has the numbers every role can read.
        </EmptyState>
      </div>
    </div>
  )
}

/** A page only for signed-in people whose role may see it. */
function guard(page: Page, C: Component): Component {
  return () => {
    const location = useLocation()
    return (
      <Switch>
        <Match when={session().status === 'loading'}>
          <Splash />
        </Match>
        <Match when={session().status === 'signed-out'}>
          <Navigate href={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} />
        </Match>
        <Match when={(() => { const s = session(); return s.status === 'signed-in' && canSee(s.user.role, page) })()}>
          <C />
        </Match>
        <Match when={true}>
          <Forbidden />
        </Match>
      </Switch>
    )
  }
}

function NotFound(): JSX.Element {
  return (
    <div class="page">
      <div class="card card-center">
        <EmptyState title="Nothing here" testid="not-found" action={<a class="btn btn-primary" href="/">Go to the overview</a>}>
          The address does not match a page of the dashboard.
        </EmptyState>
      </div>
    </div>
  )
}

// The overview's code and numbers are fetched while the session is checked, not after.
if (location.pathname === '/') void Overview.preload()
prefetchOverview(location)
void restore()

render(
  () => (
    <Router root={Shell}>
      <Route path="/sign-in" component={SignIn} />
      <Route path="/" component={guard('overview', Overview)} />
      <Route path="/exceptions" component={guard('exceptions', Exceptions)} />
      <Route path="/finance" component={guard('finance', Finance)} />
      <Route path="/transactions" component={guard('transactions', Transactions)} />
      <Route path="/sources" component={guard('sources', Sources)} />
      <Route path="/settings" component={guard('settings', Settings)} />
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById('app')!,
)

// Admin: people and their roles; new users with a password; disabling an account.
import { createResource, createSignal, For, Show } from 'solid-js'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import { errorMessage } from '../../lib/api.ts'
import type { Role } from '../../lib/api-types.ts'
import { admin } from '../../lib/endpoints.ts'
import { formatDate } from '../../lib/format.ts'
import { ROLE_LABELS } from '../../lib/permissions.ts'
import { locale } from '../../lib/prefs.ts'
import { toast } from '../../lib/toast.ts'

const ROLES: Role[] = ['executive', 'ops', 'finance', 'admin']

export default function Users() {
  const [users, { refetch }] = createResource(() => admin.users())
  const [form, setForm] = createSignal({ name: '', email: '', role: 'ops' as Role, password: '' })
  const set = (k: keyof ReturnType<typeof form>, v: string) => setForm({ ...form(), [k]: v })
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      const f = form()
      await admin.createUser({ name: f.name.trim(), email: f.email.trim(), role: f.role, password: f.password || undefined })
      toast(`Added ${f.email}`)
      setForm({ name: '', email: '', role: 'ops', password: '' })
      void refetch()
    } catch (err) {
      toast(errorMessage(err), 'error', 7000)
    }
  }
  const update = async (id: string, b: { role?: Role; disabled?: boolean }) => {
    try {
      await admin.updateUser(id, b)
      toast('Saved')
      void refetch()
    } catch (err) {
      toast(errorMessage(err), 'error', 7000)
    }
  }
  return (
    <section class="card" data-testid="users">
      <header class="card-head">
        <div>
          <h2>Users</h2>
          <p class="muted small">Executives read KPIs and summaries; delivery ops and finance triage their rules; admins manage everything.</p>
        </div>
      </header>
      <Show when={!users.error} fallback={<ErrorNote error={users.error} onRetry={refetch} />}>
        <Show when={users()} fallback={<Skeleton lines={3} />}>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr><th>Name</th><th>Email</th><th>Role</th><th>Since</th><th /></tr>
              </thead>
              <tbody>
                <For each={users()!.items}>
                  {(u) => (
                    <tr classList={{ disabled: u.disabled }} data-testid="user-row">
                      <td>{u.name}</td>
                      <td class="mono small">{u.email}</td>
                      <td>
                        <select value={u.role} onChange={(e) => update(u.id, { role: e.currentTarget.value as Role })} aria-label={`Role of ${u.email}`}>
                          <For each={ROLES}>{(r) => <option value={r}>{ROLE_LABELS[r]}</option>}</For>
                        </select>
                      </td>
                      <td class="small nowrap">{formatDate(u.created_at, locale())}</td>
                      <td>
                        <button class="btn btn-small" onClick={() => update(u.id, { disabled: !u.disabled })}>
                          {u.disabled ? 'Enable' : 'Disable'}
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
      <form class="inline-form" onSubmit={save}>
        <input placeholder="Name" value={form().name} onInput={(e) => set('name', e.currentTarget.value)} required aria-label="Name" />
        <input type="email" placeholder="Email" value={form().email} onInput={(e) => set('email', e.currentTarget.value)} required aria-label="Email" />
        <select value={form().role} onChange={(e) => set('role', e.currentTarget.value)} aria-label="Role">
          <For each={ROLES}>{(r) => <option value={r}>{ROLE_LABELS[r]}</option>}</For>
        </select>
        <input type="password" placeholder="Password (12+ characters)" minLength={12} value={form().password} onInput={(e) => set('password', e.currentTarget.value)} aria-label="Password" autocomplete="new-password" />
        <button class="btn btn-primary" type="submit">
          Add user
        </button>
      </form>
    </section>
  )
}

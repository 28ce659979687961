// Admin: people and their roles; new users with a password; disabling an account.
import { createResource, createSignal, For } from 'solid-js'
import { CardHead, ItemsTable } from '../../components/ListCard.tsx'
import { admin, type Role } from '../../lib/endpoints.ts'
import { formatDate } from '../../lib/format.ts'
import { ROLE_LABELS } from '../../lib/permissions.ts'
import { locale } from '../../lib/prefs.ts'
import { attempt } from '../../lib/toast.ts'

const ROLES = Object.keys(ROLE_LABELS) as Role[]

export default function Users() {
  const [users, { refetch }] = createResource(() => admin.users())
  const [form, setForm] = createSignal({ name: '', email: '', role: 'ops' as Role, password: '' })
  const set = (k: keyof ReturnType<typeof form>, v: string) => setForm({ ...form(), [k]: v })
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    const f = form()
    if (await attempt(() => admin.createUser({ name: f.name.trim(), email: f.email.trim(), role: f.role, password: f.password || undefined }), `Added ${f.email}`)) {
      setForm({ name: '', email: '', role: 'ops', password: '' })
      void refetch()
    }
  }
  const update = async (id: string, b: { role?: Role; disabled?: boolean }) => {
    if (await attempt(() => admin.updateUser(id, b), 'Saved')) void refetch()
  }
  return (
    <section class="card" data-testid="users">
      <CardHead title="Users" note="Executives read KPIs and summaries; delivery ops and finance triage their rules; admins manage everything." />
      <ItemsTable items={users} onRetry={refetch} headers={['Name', 'Email', 'Role', 'Since', '']}>
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
      </ItemsTable>
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

// Admin: API tokens. Collector tokens let a source send data; personal tokens sign a person in
// from scripts. The secret is shown once, when created.
import { createResource, createSignal, For, Show } from 'solid-js'
import { CardHead, ItemsTable } from '../../components/ListCard.tsx'
import { admin, sources } from '../../lib/endpoints.ts'
import { formatRelative } from '../../lib/format.ts'
import { locale } from '../../lib/prefs.ts'
import { attempt, toast } from '../../lib/toast.ts'

export default function Tokens() {
  const [tokens, { refetch }] = createResource(() => admin.tokens())
  const [users] = createResource(() => admin.users())
  const [systems] = createResource(() => sources().then((s) => s.items.map((i) => i.system)))
  const [kind, setKind] = createSignal<'collector' | 'personal'>('collector')
  const [target, setTarget] = createSignal('')
  const [name, setName] = createSignal('')
  const [secret, setSecret] = createSignal<string | null>(null)
  const create = async (e: SubmitEvent) => {
    e.preventDefault()
    const body = kind() === 'collector' ? { kind: 'collector' as const, system: target(), name: name() || undefined } : { kind: 'personal' as const, user_id: target(), name: name() || undefined }
    if (await attempt(async () => setSecret((await admin.createToken(body)).token))) {
      setName('')
      void refetch()
    }
  }
  const revoke = async (id: string) => {
    if (await attempt(() => admin.revokeToken(id), 'Token revoked')) void refetch()
  }
  return (
    <section class="card" data-testid="tokens">
      <CardHead title="API tokens" note="Only a digest is stored: copy a new token when it is shown." />
      <Show when={secret()}>
        <div class="notice secret">
          New token (shown once): <code data-testid="new-token">{secret()}</code>
          <button class="btn btn-small" onClick={() => (navigator.clipboard?.writeText(secret()!), toast('Copied'))}>Copy</button>
        </div>
      </Show>
      <ItemsTable
        items={tokens}
        onRetry={refetch}
        headers={['Name', 'Kind', 'For', 'Last used', 'Status', '']}
        empty={<tr><td colspan="6" class="muted">No tokens yet. Sources can also use tokens from the config file.</td></tr>}
      >
        {(t) => (
          <tr>
            <td>{t.name}</td>
            <td>{t.kind}</td>
            <td class="mono small">{t.system ?? users()?.items.find((u) => u.id === t.user_id)?.email ?? t.user_id}</td>
            <td class="small">{t.last_used_at ? formatRelative(t.last_used_at, Date.now(), locale()) : 'never'}</td>
            <td><span class={`pill ${t.status === 'active' ? 'status-resolved' : ''}`}>{t.status}</span></td>
            <td>
              <Show when={t.status === 'active'}>
                <button class="btn btn-small btn-danger" onClick={() => revoke(t.id)}>Revoke</button>
              </Show>
            </td>
          </tr>
        )}
      </ItemsTable>
      <form class="inline-form" onSubmit={create}>
        <select value={kind()} onChange={(e) => (setKind(e.currentTarget.value as 'collector' | 'personal'), setTarget(''))} aria-label="Kind">
          <option value="collector">Collector (a source)</option>
          <option value="personal">Personal (a user)</option>
        </select>
        <select value={target()} onChange={(e) => setTarget(e.currentTarget.value)} required aria-label="For">
          <option value="">{kind() === 'collector' ? 'Choose a source…' : 'Choose a user…'}</option>
          <Show when={kind() === 'collector'} fallback={<For each={users()?.items ?? []}>{(u) => <option value={u.id}>{u.email}</option>}</For>}>
            <For each={systems() ?? []}>{(s) => <option value={s}>{s}</option>}</For>
          </Show>
        </select>
        <input placeholder="Name (optional)" value={name()} onInput={(e) => setName(e.currentTarget.value)} aria-label="Token name" />
        <button class="btn btn-primary" type="submit">Create token</button>
      </form>
    </section>
  )
}

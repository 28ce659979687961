// Admin: every subscription to a saved view (who, which view, channel, schedule, next send),
// and unsubscribing anyone. People subscribe from the Views menu of the exception list.
import { createResource } from 'solid-js'
import { CardHead, ItemsTable } from '../../components/ListCard.tsx'
import { admin, subscriptions } from '../../lib/endpoints.ts'
import { attempt } from '../../lib/toast.ts'

const schedule = (s: { frequency: string; weekday: string; local_time: string; time_zone: string }) =>
  `${s.frequency === 'weekly' ? `weekly, ${s.weekday}s` : 'daily'} at ${s.local_time} ${s.time_zone}`

export default function Subscriptions() {
  const [items, { refetch }] = createResource(() => subscriptions.list())
  const [users] = createResource(() => admin.users())
  const who = (id: string) => users()?.items.find((u) => u.id === id)?.email ?? id
  const remove = async (id: string) => {
    if (await attempt(() => subscriptions.remove(id), 'Unsubscribed')) void refetch()
  }
  return (
    <section class="card" data-testid="subscriptions">
      <CardHead title="Subscriptions" note="Saved views people get by e-mail or Slack; they subscribe from the Views menu of Exceptions." />
      <ItemsTable
        items={items}
        onRetry={refetch}
        headers={['View', 'Who', 'Channel', 'Schedule', 'Next', '']}
        empty={<tr><td colspan="6" class="muted">No subscriptions yet.</td></tr>}
      >
        {(s) => (
          <tr data-testid="subscription-row">
            <td>
              <div>{s.name}</div>
              <div class="mono small muted">{s.query || '(default view)'}</div>
            </td>
            <td class="small">{who(s.user_id)}</td>
            <td class="small">{s.channel === 'email' ? `e-mail to ${s.target}` : 'Slack'}</td>
            <td class="small">{schedule(s)}</td>
            <td class="small">{s.next_at ? new Date(s.next_at).toLocaleString() : '—'}</td>
            <td>
              <button class="btn btn-small btn-danger" onClick={() => remove(s.id)} aria-label={`Unsubscribe ${s.name}`}>
                Unsubscribe
              </button>
            </td>
          </tr>
        )}
      </ItemsTable>
    </section>
  )
}

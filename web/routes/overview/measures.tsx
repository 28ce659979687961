// The overview's margin, forecast and bench charts (gross_margin, forecast_accuracy,
// bench_capacity). Every bar drills into the records behind it, in a drawer.
import { createEffect, createResource, createSignal, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import AccuracyCard from './accuracy-card.tsx'
import BenchCard from './bench-card.tsx'
import BenchList from './bench-list.tsx'
import { ready, states } from './card-states.ts'
import MarginCard from './margin-card.tsx'
import { benchPeople, instantOf, measure, periodOf, weekly, type Drill, type OverviewQuery } from './measures-data.ts'
import PlannedActualCard from './planned-actual-card.tsx'
import RecordsDrawer from './records-drawer.tsx'
import type { RecordRow } from './record-columns.ts'

const groups = (a: { rows: Array<{ group: string }> } | undefined) => (a?.rows ?? []).map((r) => r.group).sort((x, y) => x.localeCompare(y))

export default function Measures(props: { query: OverviewQuery }) {
  const period = () => periodOf(props.query)
  const instant = () => ({ as_of: instantOf(props.query) })
  const [margin, { refetch: rm }] = createResource(period, (q) => measure('gross_margin', 'practice', q))
  const [accuracy, { refetch: ra }] = createResource(period, (q) => measure('forecast_accuracy', 'practice', q))
  const [projects] = createResource(period, (q) => measure('forecast_accuracy', 'project', q))
  const [benchP, { refetch: rbp }] = createResource(instant, (q) => measure('bench_capacity', 'practice', q))
  const [benchW, { refetch: rbw }] = createResource(instant, (q) => measure('bench_capacity', 'week', q))

  // The weekly chart follows a practice or project; the first practice until one is picked.
  const [picked, setPicked] = createSignal<string | null>(null)
  const choices = () => ({ practices: groups(ready(accuracy)), projects: groups(ready(projects)) })
  const choice = () => picked() ?? (choices().practices[0] !== undefined ? `practice:${choices().practices[0]}` : '')
  const [weeks, { refetch: rw }] = createResource(
    () => (choice() ? { c: choice(), q: props.query } : false),
    ({ c, q }) => weekly(c, q).then((a) => a.items),
  )

  // The bench list pages on as it scrolls.
  const [people, setPeople] = createStore<{ items: RecordRow[]; next: string | null }>({ items: [], next: null })
  const [bench, { refetch: rb }] = createResource(() => props.query, (q) => benchPeople(q))
  createEffect(on(() => ready(bench), (a) => setPeople({ items: a?.items ?? [], next: a?.next_cursor ?? null })))
  const morePeople = () => {
    const c = people.next
    if (!c) return
    setPeople('next', null)
    void benchPeople(props.query, c).then((a) => setPeople({ items: [...people.items, ...a.items], next: a.next_cursor }))
  }

  const [drill, setDrill] = createSignal<Drill | null>(null)
  const open = (name: Drill['name'], by: string, group: string, label = group || '(none)') => setDrill({ name, by, group, label })
  const weekLabel = () => choice().replace(/^(practice|project):/, '') || '(none)'

  return (
    <section class="charts measures" aria-label="Margin, forecast and bench" data-testid="measures">
      <MarginCard answer={ready(margin)} {...states(margin, rm)} onGroup={(g) => open('gross_margin', 'practice', g)} />
      <AccuracyCard answer={ready(accuracy)} {...states(accuracy, ra)} onGroup={(g) => open('forecast_accuracy', 'practice', g)} />
      <PlannedActualCard
        weeks={ready(weeks)}
        loading={weeks.loading || accuracy.loading || projects.loading}
        error={weeks.error}
        onRetry={() => void rw()}
        choices={choices()}
        choice={choice()}
        onChoice={setPicked}
        onWeek={() => open('forecast_accuracy', choice().startsWith('project:') ? 'project' : 'practice', choice().replace(/^(practice|project):/, ''), weekLabel())}
      />
      <BenchCard
        practices={ready(benchP)}
        weeks={ready(benchW)}
        loading={benchP.loading || benchW.loading}
        error={benchP.error ?? benchW.error}
        onRetry={() => (rbp(), rbw())}
        onPractice={(g) => open('bench_capacity', 'practice', g)}
        onWeek={(w) => open('bench_capacity', 'week', w)}
      />
      <BenchList items={people.items} {...states(bench, rb)} more={people.next !== null} onMore={morePeople} />
      <Show when={drill()}>{(d) => <RecordsDrawer drill={d()} query={props.query} onClose={() => setDrill(null)} />}</Show>
    </section>
  )
}

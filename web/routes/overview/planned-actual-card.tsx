// Planned vs actual hours per ISO week for one practice or project, picked with a select.
// A week opens the assignments of that practice or project.
import { For, Show } from 'solid-js'
import Chart from '../../components/Chart.tsx'
import ChartCard from '../../components/ChartCard.tsx'
import { plannedActualOption, type PlannedActual } from '../../lib/charts/measures.ts'
import { fmt, palette } from '../../lib/prefs.ts'
import type { CardState } from './card-states.ts'

export interface Choices {
  practices: string[]
  projects: string[]
}

export default function PlannedActualCard(
  props: CardState & { weeks: PlannedActual[] | undefined; choices: Choices; choice: string; onChoice: (c: string) => void; onWeek: () => void },
) {
  const picker = (
    <label class="field-inline measure-pick">
      <span class="muted small">For</span>
      <select data-testid="forecast-choice" value={props.choice} onChange={(e) => props.onChoice(e.currentTarget.value)} aria-label="Practice or project">
        <Show when={props.choices.practices.length}>
          <optgroup label="Practice">
            <For each={props.choices.practices}>{(p) => <option value={`practice:${p}`} selected={props.choice === `practice:${p}`}>{p || '(none)'}</option>}</For>
          </optgroup>
        </Show>
        <Show when={props.choices.projects.length}>
          <optgroup label="Project">
            <For each={props.choices.projects}>{(p) => <option value={`project:${p}`} selected={props.choice === `project:${p}`}>{p}</option>}</For>
          </optgroup>
        </Show>
      </select>
    </label>
  )
  return (
    <ChartCard
      title="Planned vs actual hours"
      subtitle="Per ISO week · actual in amber when more than 10% off plan"
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={(!props.choice && 'No planned assignments in this period') || (props.weeks?.length === 0 && 'No planned or approved hours for this choice')}
      actions={picker}
      testid="chart-planned-actual"
      wide
    >
      <Chart option={plannedActualOption(props.weeks ?? [], palette(), fmt())} height={220} label="Planned and actual hours per week" testid="chart-weekly-planned" onClick={() => props.onWeek()} />
    </ChartCard>
  )
}

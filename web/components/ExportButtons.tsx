// The export buttons of a list: the same rows as on screen, as CSV or XLSX.
import { For } from 'solid-js'
import Icon from './icons.tsx'

/** CSV and XLSX buttons; `testid` + "-csv" / "-xlsx". */
export default function ExportButtons(props: { onExport: (format: 'csv' | 'xlsx') => void; testid: string; small?: boolean }) {
  return (
    <For each={['csv', 'xlsx'] as const}>
      {(f) => (
        <button class="btn" classList={{ 'btn-small': props.small }} onClick={() => props.onExport(f)} data-testid={`${props.testid}-${f}`}>
          <Icon name="download" size={props.small ? 15 : 16} /> {f.toUpperCase()}
        </button>
      )}
    </For>
  )
}

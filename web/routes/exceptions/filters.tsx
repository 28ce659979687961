// The exception filters: free text, rule, severity, status, owner, system, practice, region,
// overdue, snoozed. Everything writes to the URL through onChange.
import { createSignal, onCleanup, Show } from 'solid-js'
import Icon from '../../components/icons.tsx'
import MultiSelect, { type Option } from '../../components/MultiSelect.tsx'
import { activeFilterCount, type ExceptionView } from '../../lib/exception-view.ts'
import { humanize } from '../../lib/format.ts'
import { RULE_NAMES, ruleTitle, SEVERITIES } from '../../lib/rules.ts'

export interface FilterOptions {
  owners: string[]
  systems: string[]
  practices: string[]
  regions: string[]
}

const opts = (values: string[], label: (v: string) => string = (v) => v): Option[] => values.map((v) => ({ value: v, label: label(v) }))

export default function FilterBar(props: {
  view: ExceptionView
  options: FilterOptions
  onChange: (patch: Partial<ExceptionView>) => void
  onClear: () => void
  searchRef: (el: HTMLInputElement) => void
}) {
  const [text, setText] = createSignal(props.view.q)
  let timer: ReturnType<typeof setTimeout> | undefined
  const typed = (v: string) => {
    setText(v)
    clearTimeout(timer)
    timer = setTimeout(() => props.onChange({ q: v }), 300)
  }
  onCleanup(() => clearTimeout(timer))

  return (
    <div class="filters" data-testid="filters">
      <label class="search">
        <Icon name="search" size={16} />
        <input
          ref={props.searchRef}
          type="search"
          placeholder="Search keys, owners, values…"
          value={text()}
          onInput={(e) => typed(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (clearTimeout(timer), props.onChange({ q: e.currentTarget.value }))
            if (e.key === 'Escape') e.currentTarget.blur()
          }}
          data-testid="search"
          aria-label="Search exceptions"
        />
        <kbd>/</kbd>
      </label>
      <MultiSelect label="Rule" testid="filter-rule" options={opts(RULE_NAMES as string[], ruleTitle)} selected={props.view.rule} onChange={(rule) => props.onChange({ rule })} />
      <MultiSelect label="Severity" testid="filter-severity" options={opts([...SEVERITIES], humanize)} selected={props.view.severity} onChange={(severity) => props.onChange({ severity })} />
      <MultiSelect
        label="Status"
        testid="filter-status"
        options={opts(['open', 'acknowledged', 'resolved', 'all'], (s) => (s === 'all' ? 'Any status' : humanize(s)))}
        selected={props.view.status}
        onChange={(status) => props.onChange({ status: status.includes('all') && !props.view.status.includes('all') ? ['all'] : status.filter((s) => s !== 'all') })}
      />
      <MultiSelect label="Owner" testid="filter-owner" options={opts(props.options.owners)} selected={props.view.owner} onChange={(owner) => props.onChange({ owner })} />
      <MultiSelect label="System" testid="filter-system" options={opts(props.options.systems)} selected={props.view.system} onChange={(system) => props.onChange({ system })} />
      <MultiSelect label="Practice" testid="filter-practice" options={opts(props.options.practices)} selected={props.view.practice} onChange={(practice) => props.onChange({ practice })} />
      <MultiSelect label="Region" testid="filter-region" options={opts(props.options.regions)} selected={props.view.region} onChange={(region) => props.onChange({ region })} />
      <label class="check" classList={{ active: props.view.overdue }}>
        <input type="checkbox" checked={props.view.overdue} onChange={(e) => props.onChange({ overdue: e.currentTarget.checked })} data-testid="filter-overdue" />
        Overdue
      </label>
      <label class="check" classList={{ active: props.view.snoozed }} title="Snoozed exceptions leave the list until their date">
        <input type="checkbox" checked={props.view.snoozed} onChange={(e) => props.onChange({ snoozed: e.currentTarget.checked })} data-testid="filter-snoozed" />
        Snoozed
      </label>
      <div class="filters-end">
        <Show when={activeFilterCount(props.view)}>
          <button class="btn btn-ghost btn-small" onClick={() => (setText(''), props.onClear())} data-testid="clear-filters">
            Clear {activeFilterCount(props.view)}
          </button>
        </Show>
      </div>
    </div>
  )
}

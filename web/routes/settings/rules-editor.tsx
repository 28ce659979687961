// Admin: per rule, whether it runs, its severity, its owner and its thresholds, each against the
// catalogue's default, with how many exceptions it has open now.
import { createResource, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { exceptionSummary, type RuleOverride, type Severity } from '../../lib/endpoints.ts'
import { formatNumber, humanize } from '../../lib/format.ts'
import { locale } from '../../lib/prefs.ts'
import { defaultRule, ruleBody, sameBody, SEVERITIES, type ByName, type Defaults, type Draft } from './draft.ts'
import OwnerSelect, { type OwnerOption } from './owner-select.tsx'

export default function RulesEditor(props: {
  draft: Draft
  setDraft: SetStoreFunction<Draft>
  defaults: Defaults
  saved: ByName<RuleOverride>
  owners: OwnerOption[]
  invalid: string | null
}) {
  const [open] = createResource(() => exceptionSummary('rule', {}, true))
  const count = (r: string) => (open() ? formatNumber(open()!.items.find((i) => i.group === r)?.count ?? 0, locale()) : '…')
  const names = () => Object.keys(props.defaults)
  const overridden = () => names().filter((r) => ruleBody(props.draft.rules[r], props.defaults[r]))
  return (
    <section class="card" data-testid="rules">
      <header class="card-head">
        <div>
          <h2>Rules and thresholds</h2>
          <p class="muted small">
            Each rule runs with its catalogue default unless changed here. An empty threshold uses the default shown in grey.
            <Show when={overridden().length}>
              {' '}
              <strong data-testid="rules-overridden-count">{overridden().length}</strong> of {names().length} rules differ from their defaults.
            </Show>
          </p>
        </div>
      </header>
      <div class="table-wrap">
        <table class="table rules-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>On</th>
              <th>Severity</th>
              <th>Owner</th>
              <th>Thresholds</th>
              <th class="num">Open now</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <For each={names()}>
              {(r) => (
                <RuleRow
                  name={r}
                  def={props.defaults[r]}
                  draft={props.draft}
                  setDraft={props.setDraft}
                  saved={props.saved[r]}
                  owners={props.owners}
                  invalid={props.invalid}
                  open={count(r)}
                />
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** One rule: on or off, severity, owner and thresholds, each against the catalogue's default. */
function RuleRow(props: {
  name: string
  def: Defaults[string]
  draft: Draft
  setDraft: SetStoreFunction<Draft>
  saved: RuleOverride | undefined
  owners: OwnerOption[]
  invalid: string | null
  /** Open exceptions now, formatted. */
  open: string
}) {
  const r = props.name
  const def = () => props.def
  const d = () => props.draft.rules[r]
  const body = () => ruleBody(d(), def())
  const unsaved = () => !sameBody(body(), props.saved)
  const field = (k: string) => `rules.${r}.${k}`
  return (
    <tr data-testid="rule-row" data-rule={r} classList={{ 'rule-off': !d().enabled, unsaved: unsaved() }}>
      <td>
        <div class="cell-main">{def().title}</div>
        <div class="cell-sub mono">
          {r}
          {def().finance ? ' · finance' : ''}
        </div>
        <div class="rule-marks">
          <Show when={body()}>
            <span class="pill status-open" data-testid="rule-overridden" title="Differs from the rule catalogue's default">Overridden</span>
          </Show>
          <Show when={unsaved()}>
            <span class="pill status-acknowledged" data-testid="rule-unsaved">Unsaved</span>
          </Show>
        </div>
      </td>
      <td class="rule-toggle">
        <input
          type="checkbox"
          class="switch"
          role="switch"
          checked={d().enabled}
          onChange={(e) => props.setDraft('rules', r, 'enabled', e.currentTarget.checked)}
          aria-label={`Run ${def().title}`}
          data-testid="rule-enabled"
          data-field={field('enabled')}
        />
      </td>
      <td>
        <select
          value={d().severity}
          onChange={(e) => props.setDraft('rules', r, 'severity', e.currentTarget.value as Severity)}
          aria-label={`Severity of ${def().title}`}
          data-testid="rule-severity"
          data-field={field('severity')}
          classList={{ invalid: props.invalid === field('severity') }}
        >
          <For each={SEVERITIES}>{(s) => <option value={s}>{humanize(s)}</option>}</For>
        </select>
        <Show when={d().severity !== def().severity}>
          <div class="cell-sub">Default: {humanize(def().severity)}</div>
        </Show>
      </td>
      <td>
        <OwnerSelect
          value={d().owner}
          onChange={(v) => props.setDraft('rules', r, 'owner', v)}
          options={props.owners}
          defaultOwner={def().owner}
          label={`Owner of ${def().title}`}
          testid="rule-owner"
          field={field('owner')}
          invalid={props.invalid === field('owner')}
        />
        <Show when={d().owner !== def().owner}>
          <div class="cell-sub">Default: {def().owner}</div>
        </Show>
      </td>
      <td>
        <div class="params">
          <For each={Object.entries(def().params)} fallback={<span class="muted small">No thresholds</span>}>
            {([p, dv]) => (
              <label class="param">
                <span>{humanize(p)}</span>
                <input
                  type="number"
                  min="0"
                  step={p.endsWith('_days') ? '1' : 'any'}
                  inputmode="decimal"
                  placeholder={String(dv)}
                  value={d().params[p]}
                  onInput={(e) => props.setDraft('rules', r, 'params', p, e.currentTarget.value)}
                  aria-label={`${humanize(p)} of ${def().title} (default ${dv})`}
                  data-testid={`rule-param-${p}`}
                  data-field={field(p)}
                  classList={{ invalid: props.invalid === field(p) }}
                />
              </label>
            )}
          </For>
        </div>
      </td>
      <td class="num">
        <a href={`/exceptions?rule=${r}`} data-testid="rule-open">{props.open}</a>
      </td>
      <td class="rule-reset">
        <Show when={body()}>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => props.setDraft('rules', r, defaultRule(def()))} data-testid="rule-reset" title="Back to the catalogue's severity, owner and thresholds">
            Reset
          </button>
        </Show>
      </td>
    </tr>
  )
}

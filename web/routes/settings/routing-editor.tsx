// Admin: the ordered routes (first match wins, else the rule's owner) and a preview of which open
// exceptions each route of the draft would take, before anything is saved.
import { createResource, createSignal, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { errorMessage } from '../../lib/api.ts'
import { settings, sources, type RoutePreview } from '../../lib/endpoints.ts'
import { formatMoney, formatNumber, humanize } from '../../lib/format.ts'
import { currency, locale } from '../../lib/prefs.ts'
import { badField, newRoute, routeBody, routingRules, SEVERITIES, shadowedBy, type Defaults, type Draft, type MatchField, type RouteDraft } from './draft.ts'
import OwnerSelect, { type OwnerOption } from './owner-select.tsx'

type Previewed = RoutePreview['routes'][number]

/** The preview of the routes as drafted: asked on demand, stale once the draft changes. */
function usePreview(asked: () => { routing: ReturnType<typeof routeBody>[]; rules: ReturnType<typeof routingRules> }) {
  const [preview, setPreview] = createSignal<{ at: string; answer: RoutePreview } | null>(null)
  const [previewing, setPreviewing] = createSignal(false)
  const [error, setError] = createSignal<{ message: string; field: string | null } | null>(null)
  const run = async () => {
    setPreviewing(true)
    setError(null)
    const q = asked()
    try {
      setPreview({ at: JSON.stringify(q), answer: await settings.preview(q.routing, q.rules) })
    } catch (e) {
      setError({ message: errorMessage(e), field: badField(e) })
    } finally {
      setPreviewing(false)
    }
  }
  // A preview answers for the routes (and the rules' owners and severities) as they were when
  // asked; after an edit it is marked stale.
  const stale = () => preview() !== null && preview()!.at !== JSON.stringify(asked())
  return { preview, previewing, error, clearError: () => setError(null), run, stale }
}

export default function RoutingEditor(props: { draft: Draft; setDraft: SetStoreFunction<Draft>; defaults: Defaults; owners: OwnerOption[]; invalid: string | null }) {
  const [systems] = createResource(() => sources().then((s) => s.items.map((i) => i.system)).catch(() => [] as string[]))
  const body = () => props.draft.routes.map(routeBody)
  const pv = usePreview(() => ({ routing: body(), rules: routingRules(props.draft, props.defaults) }))
  const invalid = (f: string) => props.invalid === f || pv.error()?.field === f

  const edit = (f: () => void) => {
    f()
    pv.clearError()
  }
  const set = (i: number, k: MatchField | 'owner', v: string) => edit(() => props.setDraft('routes', i, k, v))
  const move = (i: number, by: -1 | 1) =>
    edit(() =>
      props.setDraft('routes', (rs) => {
        const next = [...rs]
        ;[next[i], next[i + by]] = [next[i + by], next[i]]
        return next
      }),
    )
  const remove = (i: number) => edit(() => props.setDraft('routes', (rs) => rs.filter((_, j) => j !== i)))
  const add = () => edit(() => props.setDraft('routes', (rs) => [...rs, newRoute()]))

  return (
    <section class="card" data-testid="routing">
      <header class="card-head">
        <div>
          <h2>Routing</h2>
          <p class="muted small">
            Routes are tried in order and the first whose every given field matches names the owner; an exception no route matches goes to its rule's owner. Empty fields match anything.
          </p>
        </div>
        <div class="card-actions">
          <button type="button" class="btn" onClick={add} data-testid="route-add">
            Add route
          </button>
          <button type="button" class="btn" onClick={pv.run} disabled={pv.previewing()} data-testid="routing-preview" title="Which open exceptions each route would take, with the routes as drafted here">
            {pv.previewing() ? 'Previewing…' : 'Preview'}
          </button>
        </div>
      </header>
      <datalist id="route-systems">
        <For each={systems() ?? []}>{(s) => <option value={s} />}</For>
      </datalist>
      <Show when={pv.error()}>
        {(e) => (
          <div class="error-note" role="alert" data-testid="preview-error">
            <div>
              <strong>Preview failed.</strong> {e().message}
            </div>
          </div>
        )}
      </Show>
      <div class="table-wrap">
        <table class="table routes-table">
          <thead>
            <tr>
              <th class="route-n">#</th>
              <th>Rule</th>
              <th>Severity</th>
              <th>Practice</th>
              <th>Region</th>
              <th>System</th>
              <th>Owner</th>
              <th class="num">Would take</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <For each={props.draft.routes}>
              {(r, i) => (
                <RouteRow
                  route={r}
                  index={i()}
                  last={i() === props.draft.routes.length - 1}
                  defaults={props.defaults}
                  owners={props.owners}
                  invalid={invalid}
                  previewed={pv.preview()?.answer.routes[i()]}
                  stale={pv.stale()}
                  onSet={(k, v) => set(i(), k, v)}
                  onMove={(by) => move(i(), by)}
                  onRemove={() => remove(i())}
                />
              )}
            </For>
            <tr class="route-fallback">
              <td class="route-n muted">{props.draft.routes.length ? '↳' : ''}</td>
              <td colspan="6" class="muted">
                {props.draft.routes.length ? 'Anything no route matches' : 'No routes: every exception'} goes to its rule's owner (set per rule above).
              </td>
              <td class="num" classList={{ stale: pv.stale() }}>
                <Show when={pv.preview()} fallback={<span class="muted">—</span>}>
                  {(x) => <div class="cell-main" data-testid="preview-unrouted">{formatNumber(x().answer.unrouted, locale())}</div>}
                </Show>
              </td>
              <td />
            </tr>
          </tbody>
        </table>
      </div>
      <RouteWarnings shadows={shadowedBy(body())} body={body()} />
      <Show when={pv.preview()}>{(x) => <PreviewSummary answer={x().answer} stale={pv.stale()} />}</Show>
    </section>
  )
}

/** One route: what it matches, its owner, what the preview says it would take, and moving it. */
function RouteRow(props: {
  route: RouteDraft
  index: number
  last: boolean
  defaults: Defaults
  owners: OwnerOption[]
  invalid: (field: string) => boolean
  previewed: Previewed | undefined
  stale: boolean
  onSet: (k: MatchField | 'owner', v: string) => void
  onMove: (by: -1 | 1) => void
  onRemove: () => void
}) {
  const n = () => props.index + 1
  const field = (k: MatchField) => `routing[${props.index}].match.${k}`
  const select = (k: 'rule' | 'severity', any: string, options: Array<[string, string]>) => (
    <select value={props.route[k]} onChange={(e) => props.onSet(k, e.currentTarget.value)} aria-label={`Route ${n()}: ${k}`} data-testid={`route-${k}`} data-field={field(k)} classList={{ invalid: props.invalid(field(k)) }}>
      <option value="">{any}</option>
      <For each={options}>{([v, label]) => <option value={v}>{label}</option>}</For>
    </select>
  )
  const text = (k: 'practice' | 'region' | 'system') => (
    <input
      value={props.route[k]}
      placeholder="Any"
      list={k === 'system' ? 'route-systems' : undefined}
      onInput={(e) => props.onSet(k, e.currentTarget.value)}
      aria-label={`Route ${n()}: ${k}`}
      data-testid={`route-${k}`}
      data-field={field(k)}
      classList={{ invalid: props.invalid(field(k)) }}
    />
  )
  return (
    <tr data-testid="route-row">
      <td class="route-n muted">{n()}</td>
      <td>{select('rule', 'Any rule', Object.entries(props.defaults).map(([name, d]) => [name, d.title]))}</td>
      <td>{select('severity', 'Any', SEVERITIES.map((s) => [s, humanize(s)]))}</td>
      <td>{text('practice')}</td>
      <td>{text('region')}</td>
      <td>{text('system')}</td>
      <td>
        <OwnerSelect
          value={props.route.owner}
          onChange={(v) => props.onSet('owner', v)}
          options={props.owners}
          placeholder="Choose…"
          label={`Route ${n()}: owner`}
          testid="route-owner"
          field={`routing[${props.index}].owner`}
          invalid={props.invalid(`routing[${props.index}].owner`)}
        />
      </td>
      <td class="num" classList={{ stale: props.stale }}>
        <Show when={props.previewed} fallback={<span class="muted">—</span>}>
          {(x) => <PreviewCell previewed={x()} />}
        </Show>
      </td>
      <td class="route-actions">
        <button type="button" class="icon-btn" onClick={() => props.onMove(-1)} disabled={props.index === 0} aria-label={`Move route ${n()} up`} data-testid="route-up">↑</button>
        <button type="button" class="icon-btn" onClick={() => props.onMove(1)} disabled={props.last} aria-label={`Move route ${n()} down`} data-testid="route-down">↓</button>
        <button type="button" class="icon-btn danger" onClick={() => props.onRemove()} aria-label={`Remove route ${n()}`} data-testid="route-remove">✕</button>
      </td>
    </tr>
  )
}

/** How many open exceptions a route would take, their money at risk, and two to look at. */
function PreviewCell(props: { previewed: Previewed }) {
  return (
    <>
      <div class="cell-main" data-testid="preview-count">{formatNumber(props.previewed.count, locale())}</div>
      <div class="cell-sub" data-testid="preview-amount">{formatMoney(props.previewed.amount_at_risk, currency(), locale(), true)}</div>
      <div class="cell-sub samples">
        <span>e.g.</span>
        <For each={props.previewed.sample.slice(0, 2)}>
          {(id) => (
            <a href={`/exceptions?id=${id}`} target="_blank" rel="noopener" class="mono" title={`Open exception ${id} in a new tab`}>
              {id.slice(0, 6)}
            </a>
          )}
        </For>
      </div>
    </>
  )
}

function PreviewSummary(props: { answer: RoutePreview; stale: boolean }) {
  const n = (v: number) => formatNumber(v, locale())
  return (
    <p class="small preview-summary" classList={{ stale: props.stale }} data-testid="preview-summary">
      <Show when={props.stale}>
        <span class="pill status-acknowledged">Outdated: routes changed since this preview</span>{' '}
      </Show>
      Of <strong data-testid="preview-open">{n(props.answer.open)}</strong> open exceptions, these routes would take{' '}
      <strong>{n(props.answer.open - props.answer.unrouted)}</strong> and leave {n(props.answer.unrouted)} to their rule's owner;{' '}
      <strong data-testid="preview-owner-changes">{n(props.answer.owner_changes)}</strong> would change owner (against the saved rule owners), at the next detection run after
      saving.
    </p>
  )
}

/** Routes that can never apply, or that swallow everything after them: easy to do, hard to see. */
function RouteWarnings(props: { shadows: number[]; body: ReturnType<typeof routeBody>[] }) {
  const notes = () =>
    props.body.flatMap((r, i) => {
      if (props.shadows[i] >= 0) return [`Route ${i + 1} never applies: route ${props.shadows[i] + 1} comes first and matches everything it would.`]
      if (Object.keys(r.match).length === 0 && i < props.body.length - 1) return [`Route ${i + 1} matches every exception, so the routes after it never apply.`]
      return []
    })
  return (
    <Show when={notes().length}>
      <div class="notice route-notes" data-testid="route-warnings">
        <For each={notes()}>{(n) => <div>{n}</div>}</For>
      </div>
    </Show>
  )
}

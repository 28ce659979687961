// Admin: the ordered routes (first match wins, else the rule's owner) and a preview of which open
// exceptions each route of the draft would take, before anything is saved.
import { createResource, createSignal, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { errorMessage } from '../../lib/api.ts'
import type { RoutePreview } from '../../lib/api-types.ts'
import { settings, sources } from '../../lib/endpoints.ts'
import { formatMoney, formatNumber, humanize } from '../../lib/format.ts'
import { currency, locale } from '../../lib/prefs.ts'
import { badField, newRoute, routeBody, routingRules, SEVERITIES, shadowedBy, type Defaults, type Draft, type MatchField, type RouteDraft } from './draft.ts'
import OwnerSelect, { type OwnerOption } from './owner-select.tsx'

export default function RoutingEditor(props: { draft: Draft; setDraft: SetStoreFunction<Draft>; defaults: Defaults; owners: OwnerOption[]; invalid: string | null }) {
  const [systems] = createResource(() => sources().then((s) => s.items.map((i) => i.system)).catch(() => [] as string[]))
  const [preview, setPreview] = createSignal<{ at: string; answer: RoutePreview } | null>(null)
  const [previewing, setPreviewing] = createSignal(false)
  const [previewError, setPreviewError] = createSignal<{ message: string; field: string | null } | null>(null)
  const body = () => props.draft.routes.map(routeBody)
  const asked = () => ({ routing: body(), rules: routingRules(props.draft, props.defaults) })
  // A preview answers for the routes (and the rules' owners and severities) as they were when
  // asked; after an edit it is marked stale.
  const stale = () => preview() !== null && preview()!.at !== JSON.stringify(asked())
  const shadows = () => shadowedBy(body())
  const invalid = (f: string) => props.invalid === f || previewError()?.field === f

  const edit = (f: () => void) => {
    f()
    setPreviewError(null)
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

  const runPreview = async () => {
    setPreviewing(true)
    setPreviewError(null)
    const q = asked()
    try {
      setPreview({ at: JSON.stringify(q), answer: await settings.preview(q.routing, q.rules) })
    } catch (e) {
      setPreviewError({ message: errorMessage(e), field: badField(e) })
    } finally {
      setPreviewing(false)
    }
  }

  const text = (r: RouteDraft, i: () => number, k: 'practice' | 'region' | 'system', placeholder: string) => (
    <input
      value={r[k]}
      placeholder={placeholder}
      list={k === 'system' ? 'route-systems' : undefined}
      onInput={(e) => set(i(), k, e.currentTarget.value)}
      aria-label={`Route ${i() + 1}: ${k}`}
      data-testid={`route-${k}`}
      data-field={`routing[${i()}].match.${k}`}
      classList={{ invalid: invalid(`routing[${i()}].match.${k}`) }}
    />
  )

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
          <button type="button" class="btn" onClick={runPreview} disabled={previewing()} data-testid="routing-preview" title="Which open exceptions each route would take, with the routes as drafted here">
            {previewing() ? 'Previewing…' : 'Preview'}
          </button>
        </div>
      </header>
      <datalist id="route-systems">
        <For each={systems() ?? []}>{(s) => <option value={s} />}</For>
      </datalist>
      <Show when={previewError()}>
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
              {(r, i) => {
                const p = () => preview()?.answer.routes[i()]
                return (
                  <tr data-testid="route-row">
                    <td class="route-n muted">{i() + 1}</td>
                    <td>
                      <select value={r.rule} onChange={(e) => set(i(), 'rule', e.currentTarget.value)} aria-label={`Route ${i() + 1}: rule`} data-testid="route-rule" data-field={`routing[${i()}].match.rule`} classList={{ invalid: invalid(`routing[${i()}].match.rule`) }}>
                        <option value="">Any rule</option>
                        <For each={Object.entries(props.defaults)}>{([name, d]) => <option value={name}>{d.title}</option>}</For>
                      </select>
                    </td>
                    <td>
                      <select value={r.severity} onChange={(e) => set(i(), 'severity', e.currentTarget.value)} aria-label={`Route ${i() + 1}: severity`} data-testid="route-severity" data-field={`routing[${i()}].match.severity`} classList={{ invalid: invalid(`routing[${i()}].match.severity`) }}>
                        <option value="">Any</option>
                        <For each={SEVERITIES}>{(s) => <option value={s}>{humanize(s)}</option>}</For>
                      </select>
                    </td>
                    <td>{text(r, i, 'practice', 'Any')}</td>
                    <td>{text(r, i, 'region', 'Any')}</td>
                    <td>{text(r, i, 'system', 'Any')}</td>
                    <td>
                      <OwnerSelect
                        value={r.owner}
                        onChange={(v) => set(i(), 'owner', v)}
                        options={props.owners}
                        placeholder="Choose…"
                        label={`Route ${i() + 1}: owner`}
                        testid="route-owner"
                        field={`routing[${i()}].owner`}
                        invalid={invalid(`routing[${i()}].owner`)}
                      />
                    </td>
                    <td class="num" classList={{ stale: stale() }}>
                      <Show when={p()} fallback={<span class="muted">—</span>}>
                        {(x) => (
                          <>
                            <div class="cell-main" data-testid="preview-count">{formatNumber(x().count, locale())}</div>
                            <div class="cell-sub" data-testid="preview-amount">{formatMoney(x().amount_at_risk, currency(), locale(), true)}</div>
                            <div class="cell-sub samples">
                              <span>e.g.</span>
                              <For each={x().sample.slice(0, 2)}>
                                {(id) => (
                                  <a href={`/exceptions?id=${id}`} target="_blank" rel="noopener" class="mono" title={`Open exception ${id} in a new tab`}>
                                    {id.slice(0, 6)}
                                  </a>
                                )}
                              </For>
                            </div>
                          </>
                        )}
                      </Show>
                    </td>
                    <td class="route-actions">
                      <button type="button" class="icon-btn" onClick={() => move(i(), -1)} disabled={i() === 0} aria-label={`Move route ${i() + 1} up`} data-testid="route-up">↑</button>
                      <button type="button" class="icon-btn" onClick={() => move(i(), 1)} disabled={i() === props.draft.routes.length - 1} aria-label={`Move route ${i() + 1} down`} data-testid="route-down">↓</button>
                      <button type="button" class="icon-btn danger" onClick={() => remove(i())} aria-label={`Remove route ${i() + 1}`} data-testid="route-remove">✕</button>
                    </td>
                  </tr>
                )
              }}
            </For>
            <tr class="route-fallback">
              <td class="route-n muted">{props.draft.routes.length ? '↳' : ''}</td>
              <td colspan="6" class="muted">
                {props.draft.routes.length ? 'Anything no route matches' : 'No routes: every exception'} goes to its rule's owner (set per rule above).
              </td>
              <td class="num" classList={{ stale: stale() }}>
                <Show when={preview()} fallback={<span class="muted">—</span>}>
                  {(x) => <div class="cell-main" data-testid="preview-unrouted">{formatNumber(x().answer.unrouted, locale())}</div>}
                </Show>
              </td>
              <td />
            </tr>
          </tbody>
        </table>
      </div>
      <RouteWarnings shadows={shadows()} body={body()} />
      <Show when={preview()}>
        {(x) => (
          <p class="small preview-summary" classList={{ stale: stale() }} data-testid="preview-summary">
            <Show when={stale()}>
              <span class="pill status-acknowledged">Outdated: routes changed since this preview</span>{' '}
            </Show>
            Of <strong data-testid="preview-open">{formatNumber(x().answer.open, locale())}</strong> open exceptions, these routes would take{' '}
            <strong>{formatNumber(x().answer.open - x().answer.unrouted, locale())}</strong> and leave {formatNumber(x().answer.unrouted, locale())} to their rule's owner;{' '}
            <strong data-testid="preview-owner-changes">{formatNumber(x().answer.owner_changes, locale())}</strong> would change owner (against the saved rule owners), at the next
            detection run after saving.
          </p>
        )}
      </Show>
    </section>
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

// Admin: the rules, service levels and routing the server runs with, edited as one draft and saved
// with one PUT. What is saved applies at once (the next detection run grades, times and routes
// with it) and is audited and versioned by the server.
import { useBeforeLeave } from '@solidjs/router'
import { createMemo, createResource, createSignal, onCleanup, Show } from 'solid-js'
import { createStore, type SetStoreFunction } from 'solid-js/store'
import { ErrorNote, Skeleton } from '../../components/feedback.tsx'
import { ApiError, errorMessage } from '../../lib/api.ts'
import { formatDateTime } from '../../lib/format.ts'
import { locale, setCurrency } from '../../lib/prefs.ts'
import { settings, type RuleOverride, type SettingsAnswer, type SettingsBody } from '../../lib/endpoints.ts'
import { toast } from '../../lib/toast.ts'
import { badField, sameBody, toBody, toDraft, type ByName, type Draft } from './draft.ts'
import type { OwnerOption } from './owner-select.tsx'
import RoutingEditor from './routing-editor.tsx'
import RulesEditor from './rules-editor.tsx'
import SlaEditor from './sla-editor.tsx'
import CurrencyEditor from './currency-editor.tsx'

export default function SettingsEditor() {
  const [answer, { refetch }] = createResource(() => settings.get())
  return (
    <Show
      when={!answer.error}
      fallback={
        <section class="card" data-testid="rules">
          <ErrorNote title="Could not load the rules, routing and service levels." error={answer.error} onRetry={refetch} />
        </section>
      }
    >
      {/* Keyed: loading the saved settings again (after a refused save) starts a fresh editor. */}
      <Show when={answer()} keyed fallback={<section class="card"><Skeleton lines={6} /></section>}>
        {(a) => <Editor answer={a} onReload={refetch} />}
      </Show>
    </Show>
  )
}

/** Owners to offer: the config file's, the rules' defaults, then any the saved settings use. */
function ownerOptions(a: SettingsAnswer, saved: SettingsBody): OwnerOption[] {
  const out: OwnerOption[] = []
  const add = (id: string, label: string, group: OwnerOption['group']) => id && !out.some((o) => o.id === id) && out.push({ id, label, group })
  for (const o of a.owners) add(o.id, `${!o.name || o.name === o.id ? o.id : `${o.name} (${o.id})`}${o.type === 'person' ? ' · person' : ''}`, 'Configured owners')
  for (const d of Object.values(a.defaults)) add(d.owner, d.owner, 'Rule owners')
  for (const r of saved.routing) add(r.owner, r.owner, 'In use')
  for (const o of Object.values(saved.rules)) if (typeof o.owner === 'string') add(o.owner, o.owner, 'In use')
  return out
}

function Editor(props: { answer: SettingsAnswer; onReload: () => void }) {
  // The catalogue does not change while the page is open.
  const defaults = props.answer.defaults
  const sla = props.answer.sla_defaults
  const [saved, setSaved] = createSignal<SettingsBody>(toBody(toDraft(props.answer, defaults, sla), defaults, sla))
  const [draft, setDraftRaw] = createStore<Draft>(toDraft(props.answer, defaults, sla))
  const [error, setError] = createSignal<{ message: string; field: string | null; stale: boolean } | null>(null)
  // The version this editor started from; a save made over a newer one is refused by the server.
  // It is also when, in UTC, the settings in force were saved.
  const [revision, setRevision] = createSignal({ version: props.answer.version, by: props.answer.saved_by })
  const [saving, setSaving] = createSignal(false)
  // Any edit clears the last refusal: it was about the draft as it was.
  const setDraft = ((...args: unknown[]) => {
    setError(null)
    ;(setDraftRaw as (...a: unknown[]) => void)(...args)
  }) as SetStoreFunction<Draft>

  const body = createMemo(() => toBody(draft, defaults, sla))
  const dirty = () => !sameBody(body(), saved())
  const changes = () => {
    const b = body()
    const s = saved()
    const [now, before]: ByName<RuleOverride>[] = [b.rules, s.rules]
    const rules = Object.keys(defaults).filter((r) => !sameBody(now[r], before[r])).length
    return [
      rules ? `${rules} rule${rules === 1 ? '' : 's'}` : '',
      sameBody(b.sla_hours, s.sla_hours) ? '' : 'service levels',
      sameBody(b.routing, s.routing) ? '' : 'routing',
      b.reporting_currency === s.reporting_currency ? '' : 'reporting currency',
    ].filter(Boolean)
  }
  const owners = createMemo(() => ownerOptions(props.answer, saved()))

  const save = async () => {
    const sent = body()
    setSaving(true)
    setError(null)
    try {
      const next = await settings.save(sent, revision().version)
      setRevision({ version: next.version, by: next.saved_by })
      setSaved(toBody(toDraft(next, defaults, sla), defaults, sla))
      // Edits made while the request was out stay in the draft (and keep it dirty).
      if (sameBody(toBody(draft, defaults, sla), sent)) setDraftRaw(toDraft(next, defaults, sla))
      // Money is shown in the new reporting currency from now on.
      if (next.reporting_currency) setCurrency(next.reporting_currency)
      toast('Settings saved. The next detection run uses them.')
    } catch (e) {
      const message = errorMessage(e)
      const field = badField(e)
      setError({ message, field, stale: e instanceof ApiError && e.code === 'settings_changed' })
      // Take the admin to the value the server named.
      if (field) queueMicrotask(() => (document.querySelector(`[data-field="${field}"]`) as HTMLElement | null)?.focus())
    } finally {
      setSaving(false)
    }
  }
  const discard = () => {
    setError(null)
    setDraftRaw(toDraft(saved(), defaults, sla))
  }

  useLeaveGuard(dirty)

  const invalid = () => error()?.field ?? null
  return (
    <div class="settings-editor" data-testid="settings-editor">
      <RulesEditor draft={draft} setDraft={setDraft} defaults={defaults} saved={saved().rules} owners={owners()} invalid={invalid()} />
      <SlaEditor draft={draft} setDraft={setDraft} defaults={sla} invalid={invalid()} />
      <CurrencyEditor draft={draft} setDraft={setDraft} invalid={invalid()} />
      <RoutingEditor draft={draft} setDraft={setDraft} defaults={defaults} owners={owners()} invalid={invalid()} />
      <SaveBar
        dirty={dirty()}
        error={error()}
        saving={saving()}
        revision={revision()}
        changes={changes()}
        onReload={props.onReload}
        onDiscard={discard}
        onSave={save}
      />
    </div>
  )
}

/** Unsaved work is not lost to a stray click: in-app links ask first, closing the tab warns. */
function useLeaveGuard(dirty: () => boolean) {
  useBeforeLeave((e) => {
    if (!dirty() || e.defaultPrevented) return
    e.preventDefault()
    setTimeout(() => window.confirm('Leave without saving? Your changes to rules, routing and service levels will be lost.') && e.retry(true), 0)
  })
  const onUnload = (e: BeforeUnloadEvent) => {
    if (!dirty()) return
    e.preventDefault()
    e.returnValue = ''
  }
  window.addEventListener('beforeunload', onUnload)
  onCleanup(() => window.removeEventListener('beforeunload', onUnload))
}

/** Why the last save was refused, what is unsaved (or when the settings were saved), and the buttons. */
function SaveBar(props: {
  dirty: boolean
  error: { message: string; field: string | null; stale: boolean } | null
  saving: boolean
  revision: { version: string; by: string }
  changes: string[]
  onReload: () => void
  onDiscard: () => void
  onSave: () => void
}) {
  return (
  <div class="card save-bar" classList={{ dirty: props.dirty }} data-testid="save-bar">
    <Show when={props.error}>
      {(e) => (
        <div class="error-note" role="alert" data-testid="settings-error">
          <div>
            <strong>Not saved.</strong> <span data-testid="settings-error-message">{e().message}</span>
          </div>
          <Show when={e().stale}>
            <button type="button" class="btn" onClick={() => props.onReload()} data-testid="settings-reload">
              Load the saved settings
            </button>
          </Show>
        </div>
      )}
    </Show>
    <div class="save-row">
      <div class="save-status">
        <Show
          when={props.dirty}
          fallback={
            <span class="muted small">
              <Show when={props.revision.version}>
                <span data-testid="settings-last-saved">
                  Last saved by {props.revision.by} {formatDateTime(`${props.revision.version.replace(' ', 'T')}Z`, locale())}.{' '}
                </span>
              </Show>
              Saved settings apply at once (the next detection run grades, times and routes exceptions with them) and take the place of the config file's{' '}
              <code>rules</code>, <code>sla_hours</code> and <code>routing</code>. Every save is audited.
            </span>
          }
        >
          <span class="pill status-acknowledged" data-testid="settings-dirty">Unsaved changes</span>
          <span class="muted small" data-testid="settings-changes">{props.changes.join(' · ')}</span>
        </Show>
      </div>
      <button type="button" class="btn" onClick={() => props.onDiscard()} disabled={!props.dirty || props.saving} data-testid="settings-discard">
        Discard changes
      </button>
      <button type="button" class="btn btn-primary" onClick={() => props.onSave()} disabled={!props.dirty || props.saving} data-testid="settings-save">
        {props.saving ? 'Saving…' : 'Save changes'}
      </button>
    </div>
  </div>
  )
}

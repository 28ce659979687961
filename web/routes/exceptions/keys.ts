// The list's keyboard: j/k (or arrows) move, Enter/o open, x select, a acknowledge, r resolve,
// / search, Esc close the detail or clear the selection. Ignored while typing or in a dialog.
import { onCleanup, onMount } from 'solid-js'
import type { ExceptionItem } from '../../lib/endpoints.ts'

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))

export interface ListKeys {
  rows: () => ExceptionItem[]
  active: () => number
  setActive: (i: number) => void
  openId: () => string | null
  open: (id: string | null) => void
  blocked: () => boolean
  toggle: (id: string) => void
  /** The selection, or the active row when nothing is selected. */
  targets: () => string[]
  acknowledge: (ids: string[]) => void
  resolve: (ids: string[]) => void
  clearSelection: () => void
  focusSearch: () => void
}

export function useListKeys(k: ListKeys) {
  const onKey = (e: KeyboardEvent) => {
    if (e.metaKey || e.ctrlKey || e.altKey || k.blocked() || typing(e.target)) return
    const rows = k.rows()
    const current = rows[k.active()]
    const move = (d: number) => {
      const i = Math.max(0, Math.min(rows.length - 1, k.active() + d))
      k.setActive(i)
      if (k.openId() && rows[i]) k.open(rows[i].id)
    }
    const key = e.key
    if (key === 'j' || key === 'ArrowDown') move(1)
    else if (key === 'k' || key === 'ArrowUp') move(-1)
    else if (key === '/') k.focusSearch()
    else if (key === 'Enter' || key === 'o') current && k.open(current.id)
    else if (key === 'x') current && k.toggle(current.id)
    else if (key === 'a') k.acknowledge(k.targets().filter((id) => rows.find((r) => r.id === id && r.status === 'open')))
    else if (key === 'r') k.targets().length && k.resolve(k.targets())
    else if (key === 'Escape') k.openId() ? k.open(null) : k.clearSelection()
    else return
    e.preventDefault()
  }
  onMount(() => document.addEventListener('keydown', onKey))
  onCleanup(() => document.removeEventListener('keydown', onKey))
}

// Which rows of the list are selected: click to toggle, shift-click for a range from the last
// row clicked, and all or none.
import { createSignal } from 'solid-js'
import type { ExceptionItem } from '../../lib/endpoints.ts'

export function useSelection(rows: () => ExceptionItem[]) {
  const [selected, setSelected] = createSignal<Set<string>>(new Set())
  const [anchor, setAnchor] = createSignal<number | null>(null)
  const toggle = (id: string, e?: MouseEvent) => {
    const s = new Set(selected())
    const i = rows().findIndex((r) => r.id === id)
    if (e?.shiftKey && anchor() !== null) {
      const [a, b] = [Math.min(anchor()!, i), Math.max(anchor()!, i)]
      for (const r of rows().slice(a, b + 1)) s.add(r.id)
    } else s.has(id) ? s.delete(id) : s.add(id)
    setAnchor(i)
    setSelected(s)
  }
  const allSelected = () => rows().length > 0 && rows().every((r) => selected().has(r.id))
  const toggleAll = () => setSelected(allSelected() ? new Set<string>() : new Set(rows().map((r) => r.id)))
  const clear = () => setSelected(new Set<string>())
  return { selected, toggle, allSelected, toggleAll, clear }
}

// The exception list for a view: the first page, further pages as the table scrolls, and a
// poll that merges new and changed rows in without a reload.
import { batch, createEffect, createSignal, on, onCleanup } from 'solid-js'
import { errorMessage } from '../../lib/api.ts'
import type { ExceptionItem } from '../../lib/endpoints.ts'
import { exceptionList } from '../../lib/endpoints.ts'
import { mergePolled, viewToApiQuery, viewToSearch, type ExceptionView } from '../../lib/exception-view.ts'
import { pollMs } from '../../lib/prefs.ts'

const FIRST_PAGE = 200
const NEXT_PAGE = 1000

export function useExceptionList(view: () => ExceptionView, onNew: (ids: string[]) => void) {
  const [rows, setRows] = createSignal<ExceptionItem[]>([])
  const [cursor, setCursor] = createSignal<string | null>(null)
  const [loading, setLoading] = createSignal(true)
  const [loadingMore, setLoadingMore] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [checkedAt, setCheckedAt] = createSignal<number>(Date.now())
  let generation = 0

  const load = async () => {
    const gen = ++generation
    setLoading(true)
    setError(null)
    try {
      const page = await exceptionList({ ...viewToApiQuery(view()), limit: FIRST_PAGE }, true)
      if (gen !== generation) return
      batch(() => {
        setRows(page.items)
        setCursor(page.next_cursor)
        setCheckedAt(Date.now())
      })
    } catch (e) {
      if (gen === generation) setError(errorMessage(e))
    } finally {
      if (gen === generation) setLoading(false)
    }
  }

  const more = async () => {
    const c = cursor()
    if (!c || loadingMore()) return
    const gen = generation
    setLoadingMore(true)
    try {
      const page = await exceptionList({ ...viewToApiQuery(view()), limit: NEXT_PAGE, cursor: c }, true)
      if (gen !== generation) return
      const seen = new Set(rows().map((r) => r.id))
      batch(() => {
        setRows([...rows(), ...page.items.filter((i) => !seen.has(i.id))])
        setCursor(page.next_cursor)
      })
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoadingMore(false)
    }
  }

  /** Re-reads the first page and merges it in (after an action, and on every poll). */
  const refresh = async () => {
    const gen = generation
    try {
      const page = await exceptionList({ ...viewToApiQuery(view()), limit: FIRST_PAGE }, true)
      if (gen !== generation) return
      const merged = mergePolled(rows(), page.items, view().sort, page.next_cursor === null)
      batch(() => {
        setRows(merged.rows)
        setCheckedAt(Date.now())
        if (page.next_cursor === null) setCursor(null)
      })
      if (merged.added.length) onNew(merged.added)
    } catch {
      // A failed poll is retried on the next tick; the rows on screen stay.
    }
  }

  createEffect(on(() => viewToSearch(view()), () => void load()))

  createEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible' && !loading()) void refresh()
    }, pollMs())
    onCleanup(() => clearInterval(t))
  })

  /** Replaces rows the server answered for (a single action returns the updated exception). */
  const patch = (item: ExceptionItem) => setRows(rows().map((r) => (r.id === item.id ? { ...r, ...item } : r)))

  return { rows, cursor, loading, loadingMore, error, checkedAt, load, more, refresh, patch }
}

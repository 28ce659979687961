// Per-browser preferences: theme, the utilization target line, the reporting currency last seen
// and how often lists poll; and saved exception views per user. Kept in localStorage.
import { createSignal } from 'solid-js'
import { DARK, LIGHT, type Palette } from './charts/palette.ts'

const ls = typeof localStorage === 'undefined' ? null : localStorage

function stored<T>(key: string, fallback: T, parse: (s: string) => T | null) {
  const raw = ls?.getItem(key)
  const v = raw == null ? null : parse(raw)
  const [get, set] = createSignal<T>(v ?? fallback)
  return [
    get,
    (next: T) => {
      set(() => next)
      ls?.setItem(key, String(next))
    },
  ] as const
}

export type Theme = 'light' | 'dark'
const systemTheme: Theme = typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'

export const [theme, setThemeStored] = stored<Theme>('cw.theme', systemTheme, (s) => (s === 'dark' || s === 'light' ? s : null))
export function setTheme(t: Theme) {
  setThemeStored(t)
  document.documentElement.dataset.theme = t
}
export const palette = (): Palette => (theme() === 'dark' ? DARK : LIGHT)

const ratio = (s: string) => (Number.isFinite(Number(s)) && Number(s) > 0 && Number(s) <= 1.5 ? Number(s) : null)
export const [utilizationTarget, setUtilizationTarget] = stored<number>('cw.target.utilization', 0.75, ratio)

// The server's reporting currency (config reporting_currency), which it adds every amount up in:
// taken from the answers that name it (lib/fx.ts), kept here so a reload shows it at once.
export const [currency, setCurrency] = stored<string>('cw.currency', 'USD', (s) => (/^[A-Z]{3}$/.test(s) ? s : null))

/** How often the exception list asks for new rows (ms). Tests shorten it. */
export const [pollMs, setPollMs] = stored<number>('cw.pollMs', 15_000, (s) => (Number(s) >= 500 ? Number(s) : null))

export const locale = () => (typeof navigator === 'undefined' ? 'en-US' : navigator.language || 'en-US')

// Phone width, for charts that need shorter labels and fewer ticks.
const phone = typeof matchMedia === 'undefined' ? null : matchMedia('(max-width: 600px)')
const [narrow, setNarrow] = createSignal(phone?.matches ?? false)
phone?.addEventListener('change', (e) => setNarrow(e.matches))
export { narrow }

export const fmt = () => ({ locale: locale(), currency: currency(), narrow: narrow() })

export interface SavedView {
  name: string
  search: string
}

const viewsKey = (user: string) => `cw.views.${user}`

export function savedViews(user: string): SavedView[] {
  try {
    const v = JSON.parse(ls?.getItem(viewsKey(user)) ?? '[]') as SavedView[]
    return Array.isArray(v) ? v.filter((x) => typeof x?.name === 'string' && typeof x?.search === 'string') : []
  } catch {
    return []
  }
}

export function saveViews(user: string, views: SavedView[]) {
  ls?.setItem(viewsKey(user), JSON.stringify(views))
}

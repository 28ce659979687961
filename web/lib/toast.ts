// Transient messages after actions ("Acknowledged 5 exceptions").
import { createSignal } from 'solid-js'
import { errorMessage } from './api.ts'

export interface Toast {
  id: number
  text: string
  kind: 'ok' | 'error' | 'info'
}

const [toasts, setToasts] = createSignal<Toast[]>([])
export { toasts }
let next = 1

export function toast(text: string, kind: Toast['kind'] = 'ok', ms = 4500) {
  const id = next++
  setToasts((t) => [...t, { id, text, kind }])
  setTimeout(() => dismiss(id), ms)
}

export function dismiss(id: number) {
  setToasts((t) => t.filter((x) => x.id !== id))
}

/** Runs an action for a button: its failure becomes an error toast with the server's message. */
export async function attempt(run: () => Promise<unknown>, ok?: string): Promise<boolean> {
  try {
    await run()
    if (ok) toast(ok)
    return true
  } catch (e) {
    toast(errorMessage(e), 'error', 7000)
    return false
  }
}

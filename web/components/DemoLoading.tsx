// Right after `npm start` the demo firm loads for a few seconds, and every page would show empty
// figures meanwhile: say so, and reload once the firm is in (the server's health tells).
import { createSignal, onCleanup, onMount, Show } from 'solid-js'
import { health } from '../lib/endpoints.ts'

const POLL_MS = 1_500

export default function DemoLoading() {
  const [loading, setLoading] = createSignal(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  const check = async () => {
    const h = await health(true).catch(() => null)
    if (h?.demo === 'loading') {
      setLoading(true)
      timer = setTimeout(check, POLL_MS)
    } else if (loading() && h?.demo === 'loaded') location.reload()
    else setLoading(false)
  }
  onMount(() => void check())
  onCleanup(() => clearTimeout(timer))
  return (
    <Show when={loading()}>
      <p class="notice demo-loading" role="status" data-testid="demo-loading">
        Loading the demo firm… the figures fill in when it is done, in a few seconds; this page reloads by itself.
      </p>
    </Show>
  )
}

// The overview's placeholders while the chart code loads.
import { For } from 'solid-js'
import { Skeleton } from '../../components/feedback.tsx'

export function ChartsLoading() {
  return (
    <section class="charts" aria-label="Charts loading">
      <For each={[0, 1, 2, 3]}>
        {() => (
          <div class="card chart-card">
            <Skeleton lines={5} height={18} />
          </div>
        )}
      </For>
    </section>
  )
}

// A KPI's last months as an SVG sparkline (no chart library needed for 7 tiny lines).
import { Show } from 'solid-js'
import { sparklinePath } from '../lib/charts/series.ts'

export default function Sparkline(props: { values: Array<number | null>; width?: number; height?: number; label: string }) {
  const w = () => props.width ?? 96
  const h = () => props.height ?? 30
  const path = () => sparklinePath(props.values, w(), h(), 3)
  return (
    <svg class="sparkline" viewBox={`0 0 ${w()} ${h()}`} width={w()} height={h()} role="img" aria-label={props.label} data-testid="sparkline" preserveAspectRatio="none">
      <Show when={path().line} fallback={<line x1="0" x2={w()} y1={h() / 2} y2={h() / 2} class="spark-none" />}>
        <path d={path().area} class="spark-area" />
        <path d={path().line} class="spark-line" fill="none" />
        <Show when={path().last}>{(p) => <circle cx={p()[0]} cy={p()[1]} r="2.5" class="spark-dot" />}</Show>
      </Show>
    </svg>
  )
}

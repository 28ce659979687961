// One KPI: its value, the change against the previous period (coloured by whether up is good),
// a 6-month sparkline, the coverage trust badge and the definition on hover; for money, a note
// when some records had no exchange rate (CONTRACT §5 Currency: its answer's fx_coverage, which
// the tile's answer leaves in lib/fx.ts unless given here).
import { Show } from 'solid-js'
import { formatFxNote, type Change } from '../lib/format.ts'
import { fxCoverageOf } from '../lib/fx.ts'
import { CoverageBadge } from './pills.tsx'
import Sparkline from './Sparkline.tsx'
import Tooltip from './Tooltip.tsx'

export interface KpiTileProps {
  name: string
  title: string
  definition: string
  value: string | null
  detail?: string
  change: Change | null
  changeLabel: string
  goodWhenUp: boolean
  spark: Array<number | null> | null
  coverage: number | null | undefined
  coverageText?: string
  locale: string
  error?: string | null
  /** A double-width tile: a longer sparkline. */
  wide?: boolean
  onOpen?: () => void
  /** Share of the records behind the value that converted to the reporting currency. */
  fxCoverage?: number
}

export default function KpiTile(props: KpiTileProps) {
  const fxNote = () => formatFxNote(props.fxCoverage ?? fxCoverageOf(props.name), props.locale)
  const tone = () => {
    const c = props.change
    if (!c || c.direction === 'flat') return 'flat'
    return (c.direction === 'up') === props.goodWhenUp ? 'good' : 'bad'
  }
  return (
    <article class="tile" data-testid={`kpi-${props.name}`} data-loaded={props.value !== null ? 'true' : 'false'}>
      <header class="tile-head">
        <Tooltip text={props.definition} wide>
          <h3 class="tile-title" tabindex="0" data-testid="kpi-title">
            {props.title}
            <svg class="info" viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
              <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" stroke-width="1.4" />
              <path d="M8 7v4.5M8 4.6v.1" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
            </svg>
          </h3>
        </Tooltip>
        <Show when={props.value !== null}>
          <CoverageBadge coverage={props.coverage} locale={props.locale} explain={props.coverageText} />
        </Show>
      </header>
      <Show
        when={!props.error}
        fallback={
          <p class="tile-error" role="alert">
            {props.error}
          </p>
        }
      >
        <Show when={props.value !== null} fallback={<div class="skeleton tile-skeleton" />}>
          <button class="tile-value" data-testid="kpi-value" onClick={() => props.onOpen?.()} title="Open the breakdown">
            {props.value}
          </button>
        </Show>
        <div class="tile-foot">
          <div class="tile-change">
            <Show when={props.change} fallback={<span class="muted small">{props.value === null ? '' : 'no earlier data'}</span>}>
              {(c) => (
                <span class={`change change-${tone()}`} data-testid="kpi-change">
                  {c().direction === 'up' ? '▲' : c().direction === 'down' ? '▼' : '■'} {c().text}
                </span>
              )}
            </Show>
            <span class="muted small change-label">{props.value === null ? '' : props.change ? props.changeLabel : 'to compare'}</span>
          </div>
          <Show when={props.spark} fallback={<div class="skeleton spark-skeleton" />}>
            {(s) => <Sparkline values={s()} width={props.wide ? 220 : 96} label={`${props.title}, last 6 months`} />}
          </Show>
        </div>
        <p class="tile-detail muted small">{props.detail ?? '\u00a0'}</p>
        <Show when={props.value !== null && fxNote()}>
          {(n) => (
            <p class="tile-fx-note small" role="note" data-testid="kpi-fx-note">
              {n()}
            </p>
          )}
        </Show>
      </Show>
    </article>
  )
}

// Small labelled badges: severity, status, coverage (how far to trust a number).
import { Show } from 'solid-js'
import { formatPercent, humanize } from '../lib/format.ts'
import Tooltip from './Tooltip.tsx'

export function SeverityPill(props: { severity: string }) {
  return (
    <span class={`pill sev-${props.severity}`} data-testid="severity">
      <span class="dot" />
      {humanize(props.severity)}
    </span>
  )
}

export function StatusPill(props: { status: string; resolution?: string | null }) {
  return (
    <span class={`pill status-${props.status}`} data-testid="status">
      {humanize(props.status)}
      <Show when={props.status === 'resolved' && props.resolution}>
        <span class="pill-sub"> · {props.resolution}</span>
      </Show>
    </span>
  )
}

/** Coverage as a trust badge: high ≥ 99 %, fair ≥ 95 %, else low. */
export function coverageLevel(c: number | null | undefined): 'high' | 'fair' | 'low' | 'unknown' {
  if (c === null || c === undefined || !Number.isFinite(c)) return 'unknown'
  return c >= 0.99 ? 'high' : c >= 0.95 ? 'fair' : 'low'
}

export function CoverageBadge(props: { coverage: number | null | undefined; locale: string; explain?: string }) {
  const level = () => coverageLevel(props.coverage)
  return (
    <Tooltip end wide text={`Coverage ${props.coverage == null ? 'unknown' : formatPercent(props.coverage, props.locale, 1)}. ${props.explain ?? 'Share of the records behind this number that agree in both systems.'}`}>
      <span class={`coverage cov-${level()}`} data-testid="coverage" tabindex="0">
        <svg viewBox="0 0 12 12" width="11" height="11" aria-hidden="true">
          <path d="M6 1 10.5 3v3c0 2.6-2 4.4-4.5 5C3.5 10.4 1.5 8.6 1.5 6V3Z" fill="currentColor" />
        </svg>
        {props.coverage == null ? 'n/a' : formatPercent(props.coverage, props.locale, props.coverage >= 0.999 ? 0 : 1)}
      </span>
    </Tooltip>
  )
}

// Bench capacity: the share of the next four weeks' capacity with no planned work, by practice
// and by week. A bar opens the people behind it.
import Chart from '../../components/Chart.tsx'
import ChartCard from '../../components/ChartCard.tsx'
import { benchOption, benchWeeksOption } from '../../lib/charts/measures.ts'
import type { KpiAnswer } from '../../lib/endpoints.ts'
import { formatNumber, formatPercent } from '../../lib/format.ts'
import { fmt, palette } from '../../lib/prefs.ts'
import type { CardState } from './card-states.ts'

export default function BenchCard(
  props: CardState & { practices: KpiAnswer | undefined; weeks: KpiAnswer | undefined; onPractice: (group: string) => void; onWeek: (week: string) => void },
) {
  const rows = () => props.practices?.rows ?? []
  const subtitle = () => {
    const a = props.practices
    if (!a) return undefined
    return `Next four weeks · ${formatPercent(a.value, fmt().locale, 1)} free · ${formatNumber(a.numerator, fmt().locale)} of ${formatNumber(a.denominator, fmt().locale)} capacity h`
  }
  return (
    <ChartCard
      title="Bench capacity"
      subtitle={subtitle()}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={rows().length === 0 && 'No active people with capacity in the next four weeks'}
      testid="chart-bench"
    >
      <Chart
        option={benchOption(rows(), palette(), fmt())}
        height={Math.max(130, rows().length * 34 + 30)}
        label="Bench capacity by practice"
        testid="chart-bench-practice"
        onClick={(c) => props.onPractice(c.key)}
      />
      <h3 class="measure-sub muted small">Free hours per week</h3>
      <Chart option={benchWeeksOption(props.weeks?.rows ?? [], palette(), fmt())} height={170} label="Free hours per week, next four weeks" testid="chart-bench-week" onClick={(c) => props.onWeek(c.key)} />
    </ChartCard>
  )
}

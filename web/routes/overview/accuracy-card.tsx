// Forecast accuracy by practice: how close approved hours came to the assignments' plan.
// A bar opens the assignments behind it, with their planned and actual hours.
import Chart from '../../components/Chart.tsx'
import ChartCard from '../../components/ChartCard.tsx'
import { accuracyOption } from '../../lib/charts/measures.ts'
import type { KpiAnswer } from '../../lib/endpoints.ts'
import { formatNumber, formatPercent } from '../../lib/format.ts'
import { fmt, palette } from '../../lib/prefs.ts'
import type { CardState } from './card-states.ts'

export default function AccuracyCard(props: CardState & { answer: KpiAnswer | undefined; onGroup: (group: string) => void }) {
  const rows = () => props.answer?.rows ?? []
  const subtitle = () => {
    const a = props.answer
    if (!a) return undefined
    return `${formatPercent(a.value, fmt().locale, 1)} overall · ${formatNumber(a.numerator, fmt().locale)} h off plan of ${formatNumber(a.denominator, fmt().locale)} planned`
  }
  return (
    <ChartCard
      title="Forecast accuracy by practice"
      subtitle={subtitle()}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={rows().length === 0 && 'No planned assignments in this period'}
      testid="chart-accuracy"
    >
      <Chart
        option={accuracyOption(rows(), palette(), fmt())}
        height={Math.max(150, Math.min(10, rows().length) * 40 + 40)}
        label="Forecast accuracy by practice"
        testid="chart-accuracy-practice"
        onClick={(c) => props.onGroup(c.key)}
      />
    </ChartCard>
  )
}

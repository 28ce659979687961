// Gross margin by practice, with the firm's target as a dashed line (bars under it in amber).
// A bar opens the time entries behind it.
import Chart from '../../components/Chart.tsx'
import ChartCard from '../../components/ChartCard.tsx'
import { marginOption } from '../../lib/charts/measures.ts'
import type { KpiAnswer } from '../../lib/endpoints.ts'
import { formatMoney, formatPercent } from '../../lib/format.ts'
import { fmt, palette } from '../../lib/prefs.ts'
import type { CardState } from './card-states.ts'
import { targetOf } from './measures-data.ts'

export default function MarginCard(props: CardState & { answer: KpiAnswer | undefined; onGroup: (group: string) => void }) {
  const rows = () => props.answer?.rows ?? []
  const target = () => targetOf(props.answer)
  const subtitle = () => {
    const a = props.answer
    if (!a) return undefined
    const total = `${formatPercent(a.value, fmt().locale, 1)} overall on ${formatMoney(a.denominator, fmt().currency, fmt().locale, true)} revenue`
    return target() === null ? `${total} · no target set` : `Target ${formatPercent(target(), fmt().locale, 0)} · ${total}`
  }
  return (
    <ChartCard
      title="Gross margin by practice"
      subtitle={subtitle()}
      loading={props.loading}
      error={props.error}
      onRetry={props.onRetry}
      empty={rows().length === 0 && 'No billable time with a cost rate in this period'}
      testid="chart-margin"
    >
      <Chart
        option={marginOption(rows(), target(), palette(), fmt())}
        height={Math.max(150, rows().length * 40 + 40)}
        label="Gross margin by practice"
        testid="chart-margin-practice"
        onClick={(c) => props.onGroup(c.key)}
      />
    </ChartCard>
  )
}

// The overview's history of exceptions: opened vs resolved per week, and money at risk at the
// sparkline's instants, both summed by the server (GET /exceptions/timeline).
import { LOW } from '../../lib/api.ts'
import { exceptionTimeline } from '../../lib/endpoints.ts'

export const WEEKS = 8

export function weeklyOpenedResolved() {
  return exceptionTimeline(WEEKS, [], LOW).then((t) => t.weeks)
}

/** Money at risk at each instant, in their order. */
export function moneyAtRiskHistory(instants: string[]) {
  return exceptionTimeline(WEEKS, instants, LOW).then((t) => {
    const at = new Map(t.money_at_risk.map((m) => [Date.parse(m.at), m.amount_at_risk]))
    return instants.map((i) => at.get(Date.parse(i)) ?? null)
  })
}

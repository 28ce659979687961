// Which committed batches are applied together, and from when each application counts.
// Facts carry `valid_from`; summing those with valid_from <= T gives the state as of T only if
// every application happened in observed order. A batch observed before what was already
// applied (a replayed old batch, a snapshot's deletions dated to its first part) still applies
// exactly as of now, but moves the floor: time travel before it reads history instead.

export interface CommittedBatch {
  batch_uid: string
  /** ClickHouse UTC text, as every time here. */
  observed_at: string
  received_at: string
  /** The earliest observed_at among the batch's rows (a full snapshot's deletions). */
  min_observed: string
  /** Rows it wrote: accepted records and deletions. */
  rows: number
}

export interface ApplyGroup {
  uids: string[]
  receivedFrom: string
  receivedTo: string
  validFrom: string
  outOfOrder: boolean
  rows: number
}

/** Batch ids per application: keeps its IN list and query parameters modest. */
const MAX_UIDS = 500
/** Applications per rebuild: a firm with years of small batches merges its oldest ones. */
const MAX_GROUPS = 240

/** Groups batches (any order) for application after `watermark`, in observed order. */
export function planGroups(batches: CommittedBatch[], watermark: string | null): ApplyGroup[] {
  const sorted = [...batches].sort((a, b) => cmp(a.observed_at, b.observed_at) || cmp(a.received_at, b.received_at))
  const runs: CommittedBatch[][] = []
  for (const b of sorted) {
    const run = runs.at(-1)
    const head = run?.[0]
    const joins = head && head.observed_at === b.observed_at && b.min_observed === b.observed_at && head.min_observed === head.observed_at
    if (run && joins && run.length < MAX_UIDS) run.push(b)
    else runs.push([b])
  }
  // Too many distinct instants: the oldest ones become one application (out of order within).
  while (runs.length > MAX_GROUPS) {
    const merged = runs.splice(0, runs.length - MAX_GROUPS + 1).flat()
    runs.unshift(merged)
    if (merged.length > MAX_UIDS * 4) break // one very large first application is still fine
  }
  let mark = watermark
  return runs.map((run) => {
    const observed = run.map((b) => b.observed_at).reduce(max)
    const earliest = run.map((b) => b.min_observed).reduce(min)
    const validFrom = mark !== null && mark > observed ? mark : observed
    mark = validFrom
    return {
      uids: run.map((b) => b.batch_uid),
      receivedFrom: run.map((b) => b.received_at).reduce(min),
      receivedTo: run.map((b) => b.received_at).reduce(max),
      validFrom,
      outOfOrder: earliest < validFrom,
      rows: run.reduce((n, b) => n + Number(b.rows), 0),
    }
  })
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const max = (a: string, b: string) => (b > a ? b : a)
const min = (a: string, b: string) => (b < a ? b : a)

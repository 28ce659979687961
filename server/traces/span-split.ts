// What to do with span rows the engine would not take: tell the engine's verdict on the rows
// themselves (they fail the same way every time) from a passing failure, and cut rows into
// pieces that it will take: by day when a load touches too many partitions, else in halves, so
// that one bad row ends up alone and every good row lands.

/**
 * Partitions (days: otel_traces is PARTITION BY toDate(Timestamp)) one load may touch, given to
 * the engine as max_partitions_per_insert_block (its default, 100, fails a backfill). Each day
 * of a load becomes a part however the load is cut, so a higher limit costs no more parts; it
 * bounds the work (and the fsyncs: fsync_after_insert) of one insert. Past it, rows are cut by day.
 */
export const PARTITIONS_PER_LOAD = 1000

// The engine's error types for rows it cannot read or hold: each fails the same rows every time.
const DATA_ERRORS =
  /^(CANNOT_PARSE|CANNOT_READ|CANNOT_CONVERT_TYPE|CANNOT_INSERT_NULL|INCORRECT_DATA|INCORRECT_NUMBER_OF_COLUMNS|DECIMAL_OVERFLOW|ARGUMENT_OUT_OF_BOUND|VALUE_IS_OUT_OF_RANGE|TOO_LARGE_STRING_SIZE|TOO_LARGE_ARRAY_SIZE|SIZES_OF_ARRAYS_DONT_MATCH|SIZES_OF_NESTED_COLUMNS_ARE_INCONSISTENT|TYPE_MISMATCH|ATTEMPT_TO_READ_AFTER_EOF|UNEXPECTED_END_OF_FILE)/

/** The load touched more days than one insert may. */
export function tooManyPartitions(e: unknown): boolean {
  return (e as { type?: unknown })?.type === 'TOO_MANY_PARTS' && /partitions for single INSERT block/i.test(String((e as Error).message))
}

/** The engine refused these rows themselves: loading them again, as they are, fails again. */
export function rejectsRows(e: unknown): boolean {
  const type = (e as { type?: unknown })?.type
  return typeof type === 'string' && (DATA_ERRORS.test(type) || tooManyPartitions(e))
}

/** The rows of a TabSeparated buffer, each with its newline. */
export function rowsOf(buf: Buffer): Buffer[] {
  const rows: Buffer[] = []
  for (let at = 0; at < buf.length; ) {
    const nl = buf.indexOf(10, at)
    const end = nl < 0 ? buf.length : nl + 1
    rows.push(buf.subarray(at, end))
    at = end
  }
  return rows
}

// A row starts with its Timestamp, `YYYY-MM-DD hh:mm:ss.nnnnnnnnn` in UTC: the first 10 bytes are its day.
const dayOf = (row: Buffer) => row.toString('latin1', 0, 10)

/**
 * Rows cut into groups the engine can take, or null for a single row (nothing to cut). Too
 * many days: groups of fewer than `maxDays` days (one less: a server in another time zone
 * partitions by its own dates, and N UTC days touch at most N + 1 of those). Else two halves.
 */
export function piecesOf(rows: Buffer[], e: unknown, maxDays: number): Buffer[][] | null {
  if (rows.length < 2) return null
  if (tooManyPartitions(e)) {
    const byDay = new Map<string, Buffer[]>()
    for (const r of rows) {
      const day = dayOf(r)
      const same = byDay.get(day)
      if (same) same.push(r)
      else byDay.set(day, [r])
    }
    const days = [...byDay.keys()].sort()
    const per = Math.max(1, maxDays - 1)
    if (days.length > per) {
      const pieces: Buffer[][] = []
      for (let i = 0; i < days.length; i += per) pieces.push(days.slice(i, i + per).flatMap((d) => byDay.get(d)!))
      return pieces
    }
  }
  const half = Math.ceil(rows.length / 2)
  return [rows.slice(0, half), rows.slice(half)]
}

// Every exception (any status), paged 1,000 at a time up to a ceiling, for the weekly
// opened/resolved chart and the money-at-risk history. Shared by both for half a minute. The
// server has no weekly summary yet; when it does, this becomes one request.
import { LOW } from '../../lib/api.ts'
import type { ExceptionItem } from '../../lib/api-types.ts'
import { exceptionList } from '../../lib/endpoints.ts'

let cached: { at: number; items: Promise<ExceptionItem[]> } | null = null

export function loadAllExceptions(max = 10_000): Promise<ExceptionItem[]> {
  if (cached && Date.now() - cached.at < 30_000) return cached.items
  const items = (async () => {
    const out: ExceptionItem[] = []
    let cursor: string | null | undefined
    do {
      const page = await exceptionList({ status: 'all', sort: '-age', limit: 1000, cursor: cursor ?? undefined }, false, LOW)
      out.push(...page.items)
      cursor = page.next_cursor
    } while (cursor && out.length < max)
    return out
  })()
  cached = { at: Date.now(), items }
  items.catch(() => (cached = null))
  return items
}

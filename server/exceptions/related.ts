// The transactions of an exception's entity (CONTRACT §4: an exception's detail lists them).
import type { Db } from '../db/client.ts'
import { listTransactions } from '../traces/repository.ts'

export async function transactionsForEntity(db: Db, entityType: string, entityKey: string) {
  // transaction_failed exceptions carry the trace's own entity type; others the canonical one.
  const { items } = await listTransactions(db, { entity_key: entityKey }, 50, null)
  return items.filter((t) => !t.entity_type || t.entity_type === entityType || entityType === 'transaction')
}

// The transactions of an exception's entity (CONTRACT §4: an exception's detail lists them).
// Traces land with the transaction issue; until then there are none to list.
import type { Db } from '../db/client.ts'

export async function transactionsForEntity(_db: Db, _entityType: string, _entityKey: string): Promise<unknown[]> {
  return []
}

import crypto from 'node:crypto'

/** Stable exception id from (rule, entity type, entity key): re-detection never duplicates. */
export function exceptionId(rule: string, entityType: string, entityKey: string): string {
  return crypto.createHash('sha256').update(`${rule}\u0000${entityType}\u0000${entityKey}`).digest('hex').slice(0, 24)
}

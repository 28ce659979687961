// What each role may see and do (CONTRACT §7), for hiding what a person cannot use. The server
// enforces the same; this only keeps the UI honest. Pure.
import type { Role } from './endpoints.ts'
import { RULES } from '../../server/rules/catalog.ts'

export const PAGES = ['overview', 'exceptions', 'finance', 'transactions', 'sources', 'settings'] as const
export type Page = (typeof PAGES)[number]

const READ_ALL: Page[] = ['overview', 'exceptions', 'finance', 'transactions', 'sources', 'settings']

const PAGES_BY_ROLE: Record<Role, Page[]> = {
  executive: ['overview', 'settings'],
  ops: READ_ALL,
  finance: READ_ALL,
  admin: READ_ALL,
}

export const canSee = (role: Role, page: Page) => PAGES_BY_ROLE[role].includes(page)

/** Exception lists and details (executives read summaries only). */
export const canReadExceptions = (role: Role) => role !== 'executive'

/** Finance rules are triaged by finance and admin; ops triage every other rule. */
export function canTriage(role: Role, rule: string): boolean {
  if (role === 'admin') return true
  const finance = isFinanceRule(rule)
  if (role === 'finance') return finance
  if (role === 'ops') return !finance
  return false
}

export const canExport = (role: Role) => role === 'finance' || role === 'admin'
export const canReplay = (role: Role) => role === 'ops' || role === 'admin'
export const isAdmin = (role: Role) => role === 'admin'

export const FINANCE_RULES = Object.entries(RULES).filter(([, r]) => r.finance).map(([name]) => name)
export const isFinanceRule = (rule: string) => FINANCE_RULES.includes(rule)

/** Where a role lands after signing in. */
export const homeOf = (_role: Role) => '/'

export const ROLE_LABELS: Record<Role, string> = {
  executive: 'Executive',
  ops: 'Delivery ops',
  finance: 'Finance',
  admin: 'Admin',
}

// What every channel shows the same way: amounts with their currency, due dates, dashboard links.
import type { Config } from '../../config/schema.ts'
import type { MessageException } from './index.ts'

/** e.g. "USD 1,234.50": rounded for display only (the stored amounts stay exact). */
export function money(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

/** An ISO time as "2026-09-01 14:00 UTC", or "no due date". */
export function due(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'no due date'
}

export const entityOf = (e: MessageException) => (e.entity_type ? `${e.entity_type} ${e.entity_key}` : e.entity_key)

/** The dashboard's base address (no trailing slash), or null when public_url is not configured. */
export const baseUrl = (config: Config) => (config.public_url ? config.public_url.replace(/\/+$/, '') : null)

/** The exception's page in the dashboard (the list opens the detail for ?id=). */
export function exceptionUrl(config: Config, id: string): string | null {
  const base = baseUrl(config)
  return base ? `${base}/exceptions?id=${encodeURIComponent(id)}` : null
}

/** The owner's open exceptions in the dashboard. */
export function ownerUrl(config: Config, owner: string): string | null {
  const base = baseUrl(config)
  return base ? `${base}/exceptions?owner=${encodeURIComponent(owner)}` : null
}

/** Cut to `max` characters (an ellipsis marks the cut), for fields with documented limits. */
export const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])

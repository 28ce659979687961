// Digests as messages: a subject, a plain-text body and an HTML body (inline styles, no remote
// images), with the exceptions listed the way every channel lists them.
import type { ChannelContent, MessageException } from '../channels/index.ts'
import type { InlineImage } from './charts.ts'
import { reportingAmount, type ExecutiveDigest, type Item, type OwnerDigest, type SubscriptionDigest } from './content.ts'

/** A channel message, with inline images for e-mail (cid:) where it has any. */
export type DigestMessage = ChannelContent & { attachments?: InlineImage[] }

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function money(amount: string | number, currency: string): string {
  return `${currency} ${Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

const signed = (amount: string, currency: string) => (amount.startsWith('-') ? `−${money(amount.slice(1), currency)}` : `+${money(amount, currency)}`)

function listed(i: Item, currency: string): MessageException {
  return { id: i.id, rule: i.rule, entity_type: i.entity_type, entity_key: i.entity_key, severity: i.severity, amount_at_risk: Number(reportingAmount(i) ?? 0), currency, due_at: i.due_at }
}

const line = (i: Item, currency: string) => `${i.rule} ${i.entity_key} · ${i.severity} · ${money(reportingAmount(i) ?? '0', currency)}${i.overdue ? ' · overdue' : ''}`

function table(items: Item[], currency: string): string {
  const rows = items
    .map((i, n) => `<tr data-exception="${esc(i.id)}" data-amount="${esc(reportingAmount(i) ?? '')}"><td>${n + 1}</td><td>${esc(i.rule)}</td><td>${esc(i.entity_key)}</td><td>${esc(i.severity)}</td><td style="text-align:right">${esc(money(reportingAmount(i) ?? '0', currency))}</td><td>${i.overdue ? 'overdue' : ''}</td></tr>`)
    .join('')
  return `<table cellpadding="4" style="border-collapse:collapse;font-size:13px"><tr><th>#</th><th>Rule</th><th>Entity</th><th>Severity</th><th>At risk</th><th></th></tr>${rows}</table>`
}

const page = (title: string, body: string) =>
  `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1e293b"><h2 style="font-size:18px">${esc(title)}</h2>${body}</body></html>`

/** Exact figures beside the rounded ones, for programs reading the HTML (and the tests). */
const attrs = (fact: string, count: number, amount: string) => `data-fact="${fact}" data-count="${count}" data-amount="${esc(amount)}"`

export function ownerMessage(d: OwnerDigest, period: string, currency: string): DigestMessage {
  const subject = `Crosswalk digest for ${d.owner} (${period}): ${d.open.count} open, ${money(d.open.amount, currency)} at risk`
  const change = d.change ? `${d.change.count >= 0 ? '+' : ''}${d.change.count} exceptions, ${signed(d.change.amount, currency)} since the last digest` : 'first digest'
  const facts: Array<[string, string, string]> = [
    ['Open', `${d.open.count} · ${money(d.open.amount, currency)}`, attrs('open', d.open.count, d.open.amount)],
    ['Overdue', `${d.overdue.count} · ${money(d.overdue.amount, currency)}`, attrs('overdue', d.overdue.count, d.overdue.amount)],
    ['New', `${d.new.count} · ${money(d.new.amount, currency)}`, attrs('new', d.new.count, d.new.amount)],
    ['Change', change, d.change ? attrs('change', d.change.count, d.change.amount) : 'data-fact="change"'],
  ]
  const text = [subject, `As of ${d.as_of}`, ...facts.map(([k, v]) => `${k}: ${v}`), '', 'Top ten by money at risk:', ...d.top.map((i, n) => `${n + 1}. ${line(i, currency)}`)].join('\n')
  const html = page(
    `Digest for ${d.owner} (${period})`,
    `<p>As of ${esc(d.as_of)}</p><table cellpadding="4" style="font-size:14px">${facts.map(([k, v, a]) => `<tr ${a}><th align="left">${k}</th><td>${esc(v)}</td></tr>`).join('')}</table><h3 style="font-size:15px">Top ten by money at risk</h3>${table(d.top, currency)}`,
  )
  return { event: 'digest', owner: d.owner, subject, text, html, count: d.open.count, amount_at_risk: Number(d.open.amount), exceptions: d.top.map((i) => listed(i, currency)) }
}

function kpiValue(unit: string, v: number | null, currency: string): string {
  if (v === null) return '—'
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`
  if (unit === 'currency') return money(v, currency)
  return `${v.toFixed(1)} ${unit}`
}

function kpiChange(unit: string, c: number | null, currency: string): string {
  if (c === null) return '—'
  const sign = c >= 0 ? '+' : '−'
  if (unit === 'ratio') return `${sign}${Math.abs(c * 100).toFixed(1)} pts`
  if (unit === 'currency') return `${sign}${money(Math.abs(c), currency)}`
  return `${sign}${Math.abs(c).toFixed(1)} ${unit}`
}

export function executiveMessage(d: ExecutiveDigest, to: string, currency: string, images: InlineImage[]): DigestMessage {
  const subject = `Crosswalk weekly: KPIs and exceptions for ${d.from} to ${d.to}`
  const rows = d.kpis.map((k) => ({ k, value: kpiValue(k.unit, k.value, currency), change: kpiChange(k.unit, k.change, currency), coverage: `${(k.coverage * 100).toFixed(1)}%` }))
  const text = [
    subject, `As of ${d.as_of}`, '',
    ...rows.map((r) => `${r.k.title}: ${r.value} (${r.change} vs the week before; coverage ${r.coverage})`),
    '', 'Five largest exceptions:', ...d.largest.map((i, n) => `${n + 1}. ${line(i, currency)}`),
  ].join('\n')
  const kpiTable = `<table cellpadding="4" style="border-collapse:collapse;font-size:13px"><tr><th align="left">KPI</th><th>Value</th><th>Change</th><th>Coverage</th></tr>${rows
    .map((r) => `<tr data-kpi="${r.k.name}" data-value="${r.k.value ?? ''}" data-previous="${r.k.previous ?? ''}" data-coverage="${r.k.coverage}"><td>${esc(r.k.title)}</td><td style="text-align:right">${esc(r.value)}</td><td style="text-align:right">${esc(r.change)}</td><td style="text-align:right">${r.coverage}</td></tr>`)
    .join('')}</table>`
  const charts = images.map((i) => `<p><img src="cid:${i.cid}" alt="${esc(i.cid)}" width="560" style="max-width:100%"></p>`).join('')
  const html = page(subject, `<p>As of ${esc(d.as_of)}</p>${kpiTable}<h3 style="font-size:15px">Five largest exceptions</h3>${table(d.largest, currency)}${charts}`)
  const total = d.by_rule.reduce((s, r) => s + r.amount, 0)
  return { event: 'digest', owner: to, subject, text, html, count: d.largest.length, amount_at_risk: total, exceptions: d.largest.map((i) => listed(i, currency)), attachments: images }
}

export function subscriptionMessage(name: string, to: string, d: SubscriptionDigest, period: string, asOf: Date, currency: string): DigestMessage {
  const subject = `Crosswalk: ${name} (${period}): ${d.count} exception${d.count === 1 ? '' : 's'}, ${money(d.amount, currency)} at risk`
  const shown = d.items.slice(0, 50)
  const more = d.count > shown.length ? [`…and ${d.count - shown.length} more`] : []
  const text = [subject, `As of ${asOf.toISOString()}`, '', ...shown.map((i, n) => `${n + 1}. ${line(i, currency)}`), ...more].join('\n')
  const html = page(`${name} (${period})`, `<p>As of ${esc(asOf.toISOString())}: ${d.count} exceptions, ${esc(money(d.amount, currency))} at risk.</p>${table(shown, currency)}${more.map((m) => `<p>${esc(m)}</p>`).join('')}`)
  return { event: 'subscription', owner: to, subject, text, html, count: d.count, amount_at_risk: Number(d.amount), exceptions: shown.map((i) => listed(i, currency)) }
}

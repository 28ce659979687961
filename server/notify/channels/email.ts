// E-mail over SMTP (nodemailer): an HTML part and a plain-text part, each exception linked to
// the dashboard. Only inline styles: no remote images, no tracking pixels, no scripts.
import nodemailer from 'nodemailer'
import type { Config } from '../../config/schema.ts'
import type { ChannelContent, MessageException } from './index.ts'
import { due, entityOf, escapeHtml, money } from './format.ts'
import { channelConfigError, ownerAt, resolveRef, SendError, type ChannelDriver } from './types.ts'

const CELL = 'padding:6px 10px;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top'

function row(e: MessageException): string {
  const link = e.url ? `<a href="${escapeHtml(e.url)}">Open in Crosswalk</a>` : ''
  const cells = [e.rule, entityOf(e), e.severity, money(e.amount_at_risk, e.currency), due(e.due_at)].map((v) => `<td style="${CELL}">${escapeHtml(v)}</td>`)
  return `<tr>${cells.join('')}<td style="${CELL}">${link}</td></tr>`
}

/** The HTML part (content.html when the sender gave one). */
export function emailHtml(content: ChannelContent): string {
  if (content.html) return content.html
  const head = ['Rule', 'Entity', 'Severity', 'Money at risk', 'Due', ''].map((h) => `<th style="${CELL}">${h}</th>`).join('')
  const more = content.count - content.exceptions.length
  return [
    '<!doctype html><html><head><meta charset="utf-8"></head>',
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;font-size:14px">',
    `<h1 style="font-size:18px">${escapeHtml(content.subject)}</h1>`,
    `<p>${escapeHtml(content.text.split('\n')[0])}</p>`,
    content.exceptions.length ? `<table style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${content.exceptions.map(row).join('')}</tbody></table>` : '',
    more > 0 ? `<p>…and ${more} more.</p>` : '',
    content.link ? `<p><a href="${escapeHtml(content.link)}">Open all in Crosswalk</a></p>` : '',
    `<p style="color:#656d76;font-size:12px">Sent by Crosswalk to ${escapeHtml(content.owner)}.</p>`,
    '</body></html>',
  ].join('\n')
}

/** The plain-text part: the message's text, then a link per exception. */
export function emailText(content: ChannelContent): string {
  const links = content.exceptions.filter((e) => e.url).map((e) => `- ${e.rule} ${entityOf(e)}: ${e.url}`)
  return [content.text, links.length ? `\nOpen in Crosswalk:\n${links.join('\n')}` : '', content.link ? `\nAll of them: ${content.link}` : '', `\nSent by Crosswalk to ${content.owner}.`]
    .filter(Boolean)
    .join('\n')
}

function transport(config: Config) {
  const s = config.smtp!
  const t = config.notify.timeout_ms
  return nodemailer.createTransport({
    host: s.host,
    port: s.port,
    // tls: TLS from the first byte (port 465); starttls: upgrade required; none: plain (local relays, tests).
    secure: s.secure === 'tls',
    requireTLS: s.secure === 'starttls',
    ignoreTLS: s.secure === 'none',
    auth: s.user ? { user: resolveRef(s.user, 'smtp.user'), pass: s.pass ? resolveRef(s.pass, 'smtp.pass') : '' } : undefined,
    connectionTimeout: t,
    greetingTimeout: t,
    socketTimeout: t,
  })
}

export const emailChannel: ChannelDriver = {
  field: 'email',
  target(config, owner) {
    const at = ownerAt(config, owner)
    if (!at?.owner.email) return null
    if (!config.smtp) throw channelConfigError('smtp', 'not configured: e-mail needs smtp.host and smtp.from')
    return { url: `mailto:${at.owner.email}` }
  },
  async send(config, target, content, ctx) {
    const mailer = transport(config)
    const abort = () => mailer.close()
    ctx.signal.addEventListener('abort', abort)
    try {
      const info = await mailer.sendMail({
        from: config.smtp!.from,
        to: target.url.slice('mailto:'.length),
        subject: content.subject,
        text: emailText(content),
        html: emailHtml(content),
        // Inline images (digest charts), referenced by cid: from the HTML: no remote images.
        attachments: content.attachments?.map((a) => ({ filename: a.filename, cid: a.cid, contentType: a.content_type, content: Buffer.from(a.content_base64, 'base64') })),
        headers: { 'X-Crosswalk-Delivery': ctx.deliveryId },
      })
      return Number(/^(\d{3})/.exec(String(info.response))?.[1] ?? 250)
    } catch (e) {
      const err = e as Error & { responseCode?: number }
      throw new SendError(ctx.signal.aborted ? 'timed out' : `SMTP: ${err.message}`, err.responseCode ?? 0)
    } finally {
      ctx.signal.removeEventListener('abort', abort)
      mailer.close()
    }
  },
}

// Slack incoming webhook: Block Kit (header; per exception a section with fields rule, entity,
// money at risk, due, and an "Open in Crosswalk" button) and `text`, the notification fallback.
// Kept within Block Kit's documented limits: 50 blocks, header 150 characters, section text
// 3000, 10 fields of 2000, button text 75 and url 3000.
import type { ChannelContent, MessageException } from './index.ts'
import { clip, due, entityOf, money } from './format.ts'
import { postJson } from './http.ts'
import { teamOnly, type ChannelDriver } from './types.ts'

/** Exceptions given blocks of their own; the rest are counted in a context line. */
const LISTED = 20

const plain = (text: string, max: number) => ({ type: 'plain_text', text: clip(text, max), emoji: true })
const mrkdwn = (text: string, max: number) => ({ type: 'mrkdwn', text: clip(text, max) })
// Slack's mrkdwn control characters, escaped as Slack documents.
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function button(text: string, url: string, actionId: string) {
  return { type: 'button', text: plain(text, 75), url: url.slice(0, 3000), action_id: actionId }
}

function exceptionBlocks(e: MessageException, i: number): object[] {
  const fields = [
    mrkdwn(`*Rule*\n${esc(e.rule)}`, 2000),
    mrkdwn(`*Entity*\n${esc(entityOf(e))}`, 2000),
    mrkdwn(`*Money at risk*\n${money(e.amount_at_risk, e.currency)}`, 2000),
    mrkdwn(`*Due*\n${due(e.due_at)}`, 2000),
  ]
  const blocks: object[] = [{ type: 'section', text: mrkdwn(`*${esc(e.rule)}* · ${esc(entityOf(e))} (${e.severity})`, 3000), fields }]
  if (e.url) blocks.push({ type: 'actions', elements: [button('Open in Crosswalk', e.url, `open-${i}`)] })
  return blocks
}

/** The webhook's JSON body. */
export function slackPayload(content: ChannelContent) {
  const blocks: object[] = [{ type: 'header', text: plain(content.subject, 150) }]
  const summary = content.text.split('\n')[0]
  if (summary && summary !== content.subject) blocks.push({ type: 'section', text: mrkdwn(esc(summary), 3000) })
  content.exceptions.slice(0, LISTED).forEach((e, i) => blocks.push(...exceptionBlocks(e, i)))
  const more = content.count - Math.min(content.exceptions.length, LISTED)
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${more} more`, 3000)] })
  if (content.link) blocks.push({ type: 'actions', elements: [button('Open all in Crosswalk', content.link, 'open-all')] })
  return { text: clip(content.text, 3000), blocks: blocks.slice(0, 50) }
}

export const slackChannel: ChannelDriver = {
  field: 'slack_webhook',
  target: (config, owner) => teamOnly(config, owner, 'slack_webhook'),
  send: (_config, target, content, ctx) => postJson(target.url, JSON.stringify(slackPayload(content)), {}, ctx.signal),
}

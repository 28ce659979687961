// Microsoft Teams through a Workflows webhook: a message whose one attachment is an Adaptive
// Card (version 1.4): a title, per exception a FactSet (rule, entity, money at risk, due) with
// an Action.OpenUrl to it, and one to the whole list.
import type { ChannelContent, MessageException } from './index.ts'
import { due, entityOf, money } from './format.ts'
import { postJson } from './http.ts'
import { teamOnly, type ChannelDriver } from './types.ts'

/** Exceptions listed on the card (a card has a size limit; the rest are counted). */
const LISTED = 20

function exceptionItem(e: MessageException): object {
  const items: object[] = [
    { type: 'TextBlock', text: `${e.rule} · ${entityOf(e)} (${e.severity})`, weight: 'Bolder', wrap: true },
    {
      type: 'FactSet',
      facts: [
        { title: 'Rule', value: e.rule },
        { title: 'Entity', value: entityOf(e) },
        { title: 'Money at risk', value: money(e.amount_at_risk, e.currency) },
        { title: 'Due', value: due(e.due_at) },
      ],
    },
  ]
  if (e.url) items.push({ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Open in Crosswalk', url: e.url }] })
  return { type: 'Container', separator: true, items }
}

/** The Adaptive Card itself. */
export function adaptiveCard(content: ChannelContent) {
  const body: object[] = [{ type: 'TextBlock', text: content.subject, size: 'Large', weight: 'Bolder', wrap: true }]
  const summary = content.text.split('\n')[0]
  if (summary && summary !== content.subject) body.push({ type: 'TextBlock', text: summary, wrap: true })
  body.push(...content.exceptions.slice(0, LISTED).map(exceptionItem))
  const more = content.count - Math.min(content.exceptions.length, LISTED)
  if (more > 0) body.push({ type: 'TextBlock', text: `…and ${more} more`, isSubtle: true, wrap: true })
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    fallbackText: content.text,
    body,
    actions: content.link ? [{ type: 'Action.OpenUrl', title: 'Open in Crosswalk', url: content.link }] : [],
  }
}

/** The webhook's JSON body: a message with the card as its one attachment. */
export function teamsPayload(content: ChannelContent) {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(content) }] }
}

export const teamsChannel: ChannelDriver = {
  field: 'teams_webhook',
  target: (config, owner) => teamOnly(config, owner, 'teams_webhook'),
  send: (_config, target, content, ctx) => postJson(target.url, JSON.stringify(teamsPayload(content)), {}, ctx.signal),
}

// One JSON POST for the HTTP channels (Slack, Teams, webhook); any non-2xx is a failed attempt.
import { SendError } from './types.ts'

export async function postJson(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'crosswalk-notify', ...headers },
      body,
      signal,
    })
  } catch (e) {
    const err = e as Error & { cause?: Error }
    throw new SendError(err.cause?.message ?? err.message)
  }
  await res.arrayBuffer().catch(() => {})
  if (!res.ok) throw new SendError(`HTTP ${res.status}`, res.status)
  return res.status
}

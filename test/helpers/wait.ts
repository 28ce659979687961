// Waiting for something to happen without sleeping: check again after every turn of the event
// loop (the server runs in this process, so its I/O moves between checks). Vitest's own timeout
// bounds the wait; a fixed sleep would only guess how long the machine needs.
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setImmediate(r))
}

/**
 * The same, looking every `everyMs` instead of every turn: for checks that read the disk or run a
 * query. The pause only spaces the checks; Vitest's timeout, not a count of them, bounds the wait.
 */
export async function pollUntil(check: () => boolean | Promise<boolean>, everyMs = 25): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs))
}

// HTTP over a bare socket, for the tests of what a client can do wrong: stop half way, never send,
// never read, send bytes no HTTP library would.
import net from 'node:net'

export interface RawAnswer {
  status: number
  head: string
  body: string
}

/** A socket connected to the server at `base` (http://host:port). */
export function connect(base: string): Promise<net.Socket> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Everything the server sends on `socket` until it closes the connection. */
export function untilClosed(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    socket.on('data', (d) => (text += d.toString('latin1')))
    socket.on('error', () => {})
    socket.once('close', () => resolve(text))
  })
}

/** The first answer in what a server sent (status, head, body). */
export function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n')
  const head = end === -1 ? text : text.slice(0, end)
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: end === -1 ? '' : text.slice(end + 4) }
}

/** Sends `text` on a new connection and answers what came back before the server closed it. */
export async function rawExchange(base: string, text: string | Buffer): Promise<RawAnswer> {
  const socket = await connect(base)
  const closed = untilClosed(socket)
  socket.write(text)
  return parseAnswer(await closed)
}

/** The head of a request (without a body) for `rawExchange`. */
export function requestHead(method: string, path: string, headers: Record<string, string | number> = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  return lines.join('\r\n') + '\r\n\r\n'
}

// How many clients the server holds at once and how long it waits on each (issue 18): a client
// that stops sending a body, stops reading an answer or never sends a request is cut off, so it
// holds no socket, file descriptor or work that others wait on. Settings: config `server`.
import fs from 'node:fs'
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Config } from '../config/schema.ts'

export interface ConnectionLimits {
  maxConnections: number
  headersTimeoutMs: number
  requestTimeoutMs: number
  idleTimeoutMs: number
  keepAliveTimeoutMs: number
}

/** The process's soft limit on open files (Linux), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1]
    return line && line !== 'unlimited' ? Number(line) : null
  } catch {
    return null
  }
}

/**
 * The limits from config. Connections default to half the open-file limit: the engine's parts,
 * the span log and exports need descriptors too, and running out of them fails every request.
 */
export function connectionLimits(server: Config['server'], fdLimit = openFileLimit()): ConnectionLimits {
  const headers = server.request_timeout_ms ? Math.min(server.headers_timeout_ms, server.request_timeout_ms) : server.headers_timeout_ms
  return {
    maxConnections: server.max_connections ?? Math.max(16, Math.floor((fdLimit ?? 1024) / 2)),
    headersTimeoutMs: headers,
    requestTimeoutMs: server.request_timeout_ms,
    idleTimeoutMs: server.idle_timeout_ms,
    keepAliveTimeoutMs: server.keep_alive_timeout_ms,
  }
}

/** Options for http.createServer: Node checks the headers and request timeouts on this interval. */
export function serverOptions(l: ConnectionLimits): ServerOptions {
  const shortest = Math.min(...[l.headersTimeoutMs, l.requestTimeoutMs].filter((t) => t > 0), 4_000)
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.floor(shortest / 4)),
  }
}

interface Connection {
  /** The request in flight on it, if any. */
  req: IncomingMessage | null
  res: ServerResponse | null
}

/**
 * Applies the limits to a listening server:
 * - at most maxConnections sockets (Node refuses more); reaching the cap closes the oldest
 *   connection with no request in flight, so idle sockets cannot lock everyone out;
 * - headers and whole requests within their timeouts (Node answers 408);
 * - idleTimeoutMs without a byte while the server waits on the client: a body that stopped gets
 *   a 408, an answer the client stopped reading (or an idle connection) is closed. While the
 *   server itself is working (a long detection, a slow insert) nothing is cut.
 */
export function guardConnections(server: Server, l: ConnectionLimits): void {
  const open = new Map<Socket, Connection>()
  server.maxConnections = l.maxConnections
  server.headersTimeout = l.headersTimeoutMs
  server.requestTimeout = l.requestTimeoutMs
  server.keepAliveTimeout = l.keepAliveTimeoutMs
  server.timeout = l.idleTimeoutMs
  server.on('connection', (socket: Socket) => {
    open.set(socket, { req: null, res: null })
    socket.once('close', () => open.delete(socket))
    if (open.size >= l.maxConnections) evictIdle(open, socket)
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const conn = open.get(req.socket)
    if (!conn) return
    conn.req = req
    conn.res = res
    const done = () => {
      if (conn.res === res) conn.req = conn.res = null
    }
    res.once('finish', done).once('close', done)
  })
  server.on('timeout', (socket: Socket) => onIdle(socket, open.get(socket), l.idleTimeoutMs))
}

/** Closes the oldest connection (Map order) that has no request in flight, other than `except`. */
function evictIdle(open: Map<Socket, Connection>, except: Socket): void {
  for (const [socket, conn] of open)
    if (socket !== except && !conn.req && !socket.destroyed) {
      // Out of the count at once: its 'close' comes later, after the next arrival maybe.
      open.delete(socket)
      socket.destroy()
      return
    }
}

function onIdle(socket: Socket, conn: Connection | undefined, idleMs: number): void {
  if (!conn?.req || !conn.res) return void socket.destroy()
  const { req, res } = conn
  // Waiting for more of the body: nothing is buffered, so the socket is being read and is silent.
  if (!req.complete && req.readableLength === 0) return requestTimedOut(socket, res, idleMs)
  // Waiting for the client to take what was written.
  if (socket.writableLength > 0) return void socket.destroy()
}

/** A 408 in the API's error shape, then the connection is closed (the request is dropped). */
function requestTimedOut(socket: Socket, res: ServerResponse, idleMs: number): void {
  if (res.headersSent || !socket.writable) return void socket.destroy()
  const body = JSON.stringify({
    error: {
      code: 'request_timeout',
      message: `No data arrived for ${idleMs / 1000} s (server.idle_timeout_ms): the request was cut off and nothing of it was written.`,
    },
  })
  const head = `HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`
  socket.end(head + body, () => socket.destroy())
}

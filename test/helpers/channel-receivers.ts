// Local receivers for notification channels: an SMTP server (smtp-server, plain, AUTH checked)
// whose messages are parsed with mailparser, and HTTP receivers that keep each request's raw
// body and headers. All listen on 127.0.0.1 at a random port.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export interface Received {
  raw: string
  body: any
  headers: http.IncomingHttpHeaders
}

export interface HttpReceiver {
  url: string
  requests: Received[]
  close(): Promise<void>
}

/** Answers 500 to the first `failures` requests, then `status` (200 by default). */
export async function httpReceiver(failures = 0, status = 200): Promise<HttpReceiver> {
  const requests: Received[] = []
  const server = http.createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      requests.push({ raw, body: JSON.parse(raw), headers: req.headers })
      res.statusCode = requests.length <= failures ? 500 : status
      res.end(res.statusCode < 300 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

export interface Mail {
  parsed: ParsedMail
  /** The authenticated user of the session (null without AUTH). */
  user: string | null
  envelopeTo: string[]
}

export interface SmtpReceiver {
  port: number
  mails: Mail[]
  /** Authentication attempts refused. */
  refused: number
  close(): Promise<void>
}

/** Plain SMTP (no STARTTLS); with `auth`, only that user and password may send. */
export async function smtpReceiver(auth?: { user: string; pass: string }): Promise<SmtpReceiver> {
  const mails: Mail[] = []
  const out = { port: 0, mails, refused: 0, close: async () => {} }
  const server = new SMTPServer({
    secure: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.pass) return cb(null, { user: a.username })
      out.refused++
      cb(new Error('Invalid username or password'))
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({ parsed, user: (session.user as string | undefined) ?? null, envelopeTo: session.envelope.rcptTo.map((r) => r.address) })
          cb()
        })
        .catch(cb)
    },
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  out.port = (server.server.address() as AddressInfo).port
  out.close = () => new Promise<void>((r) => server.close(() => r()))
  return out
}

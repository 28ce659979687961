// The HTTP side of ClickHouse's HTTP interface: what a request means (query text, `param_*`,
// settings, database, credentials, compression) and how errors look on the wire.
// https://clickhouse.com/docs/interfaces/http
// What @clickhouse/client sends: node_modules/@clickhouse/client/dist/connection/
// node_base_connection.js (query/insert/exec/command/ping), dist/common/utils/url.js
// (toSearchParams), dist/common/utils/multipart.js.
import type { IncomingMessage } from 'node:http'
import zlib from 'node:zlib'
import { scanStatement, skipSpace } from './sql.ts'

/** A ClickHouse exception: `code` and `type` as in `Code: 60. DB::Exception: … (UNKNOWN_TABLE)`. */
export class ChError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }

  /** The exception text as clickhouse-server writes it (the client's parseError reads it). */
  text(version: string): string {
    const head = /^Code: \d+\. DB::Exception: /.test(this.message) ? this.message : `Code: ${this.code}. DB::Exception: ${this.message}. (${this.type})`
    return `${head} (version ${version})`
  }

  /** An engine error (`Code: N. DB::Exception: … (TYPE)`) as a ChError; anything else as code 1001. */
  static from(e: unknown): ChError {
    if (e instanceof ChError) return e
    const message = e instanceof Error ? e.message : String(e)
    // Innermost code and type, as the client's own errorRe (dist/common/error/error.js) takes them.
    const m = /(?:Code|Error): (\d+).*Exception: .+?\(((?=[A-Z0-9_]*[A-Z]{3})[A-Z0-9_]+)\)/s.exec(message)
    return m ? new ChError(Number(m[1]), m[2], message) : new ChError(1001, 'STD_EXCEPTION', message)
  }
}

// src/Server/HTTP/exceptionCodeToHTTPStatus.cpp in ClickHouse, keyed by the exception's type.
const STATUS: Array<[number, string[]]> = [
  [401, ['REQUIRED_PASSWORD']],
  [403, ['UNKNOWN_USER', 'WRONG_PASSWORD', 'AUTHENTICATION_FAILED', 'SET_NON_GRANTED_ROLE', 'ACCESS_DENIED']],
  [400, ['BAD_ARGUMENTS', 'CANNOT_COMPILE_REGEXP', 'CANNOT_PARSE_TEXT', 'CANNOT_PARSE_ESCAPE_SEQUENCE', 'CANNOT_PARSE_QUOTED_STRING',
    'CANNOT_PARSE_DATE', 'CANNOT_PARSE_DATETIME', 'CANNOT_PARSE_NUMBER', 'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING', 'CANNOT_PARSE_IPV4',
    'CANNOT_PARSE_IPV6', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'CANNOT_PARSE_UUID', 'DUPLICATE_COLUMN', 'ILLEGAL_COLUMN',
    'UNKNOWN_ELEMENT_IN_AST', 'UNKNOWN_TYPE_OF_AST_NODE', 'THERE_IS_NO_COLUMN', 'TOO_DEEP_AST', 'TOO_BIG_AST', 'UNEXPECTED_AST_STRUCTURE',
    'SYNTAX_ERROR', 'INCORRECT_DATA', 'TYPE_MISMATCH', 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE']],
  [404, ['UNKNOWN_TABLE', 'UNKNOWN_FUNCTION', 'UNKNOWN_IDENTIFIER', 'UNKNOWN_TYPE', 'UNKNOWN_STORAGE', 'UNKNOWN_DATABASE', 'UNKNOWN_SETTING',
    'UNKNOWN_DIRECTION_OF_SORTING', 'UNKNOWN_AGGREGATE_FUNCTION', 'UNKNOWN_FORMAT', 'UNKNOWN_DATABASE_ENGINE', 'UNKNOWN_TYPE_OF_QUERY', 'UNKNOWN_ROLE']],
  [413, ['QUERY_IS_TOO_LARGE']],
  [501, ['NOT_IMPLEMENTED']],
  [503, ['SOCKET_TIMEOUT', 'CANNOT_OPEN_FILE', 'CANNOT_SCHEDULE_TASK']],
  [411, ['HTTP_LENGTH_REQUIRED']],
  [408, ['TIMEOUT_EXCEEDED']],
  [415, ['UNSUPPORTED_MEDIA_TYPE']],
]

export function httpStatus(type: string): number {
  return STATUS.find(([, types]) => types.includes(type))?.[0] ?? 500
}

/** Content-Type per output format, as ClickHouse's output formats declare them. */
export function contentType(format: string): string {
  if (/^(TabSeparated|TSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8'
  if (/^CSV/i.test(format)) return `text/csv; charset=UTF-8; header=${/WithNames/i.test(format) ? 'present' : 'absent'}`
  if (/EachRow/i.test(format)) return 'application/x-ndjson; charset=UTF-8'
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8'
  if (/^(Native|RowBinary|Parquet|Arrow|ORC|Avro|Protobuf|MsgPack|CapnProto|BSON)/i.test(format)) return 'application/octet-stream'
  return 'text/plain; charset=UTF-8'
}

/** URL parameters the HTTP handler itself reads; every other one is a setting (HTTPHandler.cpp). */
const RESERVED = new Set([
  'query', 'database', 'default_format', 'user', 'password', 'quota_key', 'query_id', 'stacktrace', 'role', 'session_id',
  'session_timeout', 'session_check', 'close_session', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query',
  'client_protocol_version', 'with_stacktrace',
])

export interface ChRequest {
  /** Query text: the `query` parameter, then a line feed and the body, as the server joins them. */
  sql: string
  /** Set when the URL holds an `INSERT … FORMAT X` and the body is its data (kept as bytes, maybe empty). */
  insertData?: Buffer
  params: Record<string, string>
  settings: Array<[string, string]>
  database?: string
  queryId?: string
  defaultFormat: string
  /** GET requests run with readonly=2, as the server sets for idempotent methods. */
  readonly: boolean
  user: string
  password: string
  /** The whole response is buffered before headers (wait_end_of_query=1). */
  waitEndOfQuery: boolean
  /** Bytes kept back before headers go out: max(buffer_size, 1 MiB) as in HTTPHandler. */
  bufferSize: number
  /** Response content coding when enable_http_compression=1 and the client accepts one. */
  encoding?: 'gzip' | 'deflate' | 'br'
  compressionLevel: number
}

/** The request body, decoded from its Content-Encoding (gzip, deflate or br). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const raw = Buffer.concat(chunks)
  const coding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase()
  if (!coding || coding === 'identity' || raw.length === 0) return raw
  const decode: Record<string, [(b: Buffer) => Buffer, number, string]> = {
    gzip: [zlib.gunzipSync, 354, 'ZLIB_INFLATE_FAILED'],
    deflate: [zlib.inflateSync, 354, 'ZLIB_INFLATE_FAILED'],
    br: [zlib.brotliDecompressSync, 469, 'BROTLI_READ_FAILED'],
  }
  const d = decode[coding]
  if (!d) throw new ChError(48, 'NOT_IMPLEMENTED', `Unknown HTTP compression method '${coding}' (this test server decodes gzip, deflate and br)`)
  try {
    return d[0](raw)
  } catch (e) {
    throw new ChError(d[1], d[2], `inflate failed: ${(e as Error).message}`)
  }
}

/** multipart/form-data parts by name (clickhouse-js sends `query` and `param_*` this way). */
function multipart(body: Buffer, boundary: string): Map<string, string> {
  const parts = new Map<string, string>()
  for (const part of body.toString('utf8').split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break
    const headEnd = part.indexOf('\r\n\r\n')
    const name = /name="([^"]*)"/.exec(part.slice(0, headEnd))?.[1]
    if (headEnd < 0 || name === undefined) continue
    if (/filename=/.test(part.slice(0, headEnd)))
      throw new ChError(48, 'NOT_IMPLEMENTED', 'External data (multipart files) is not supported by this test server')
    parts.set(name, part.slice(headEnd + 4).replace(/\r\n$/, ''))
  }
  return parts
}

function credentials(req: IncomingMessage, url: URL): { user: string; password: string } {
  const auth = req.headers.authorization
  const headerUser = req.headers['x-clickhouse-user']
  const viaParams = url.searchParams.has('user') || url.searchParams.has('password') || headerUser !== undefined
  if (auth) {
    if (viaParams)
      throw new ChError(516, 'AUTHENTICATION_FAILED', 'Invalid authentication: it is not allowed to use Authorization HTTP header and authentication via parameters simultaneously')
    const basic = /^Basic\s+(.+)$/i.exec(auth)
    if (!basic) throw new ChError(516, 'AUTHENTICATION_FAILED', 'Invalid authentication: only Basic authentication is supported by this test server')
    const text = Buffer.from(basic[1], 'base64').toString('utf8')
    const colon = text.indexOf(':')
    return colon < 0 ? { user: text, password: '' } : { user: text.slice(0, colon), password: text.slice(colon + 1) }
  }
  if (headerUser !== undefined) return { user: String(headerUser), password: String(req.headers['x-clickhouse-key'] ?? '') }
  return { user: url.searchParams.get('user') ?? 'default', password: url.searchParams.get('password') ?? '' }
}

function responseEncoding(accept: string): ChRequest['encoding'] {
  // The server picks by substring in this order (HTTPHandler: chooseHTTPCompressionMethod).
  const a = accept.toLowerCase()
  return a.includes('gzip') ? 'gzip' : a.includes('deflate') ? 'deflate' : a.includes('br') ? 'br' : undefined
}

/** True when `sql` ends right after an INSERT's FORMAT X (or VALUES): its data is all elsewhere. */
function isInsertHead(sql: string): boolean {
  const st = scanStatement(sql)
  return st.keyword === 'INSERT' && st.dataAt !== undefined && skipSpace(sql, st.dataAt) === sql.length
}

/**
 * A body holding the whole query: an INSERT's inline data after `FORMAT X` stays bytes
 * (RowBinary, Native… are not text). Scanned as latin1, so offsets are byte offsets. The data
 * starts after the first line feed, or else after the whitespace (ParserInsertQuery). `VALUES`
 * stays in the query text: its rows may hold `{name:Type}` parameters the engine binds.
 */
function splitInsert(body: Buffer): { sql: string; insertData?: Buffer } {
  const text = body.toString('latin1')
  const st = scanStatement(text)
  if (st.keyword !== 'INSERT' || st.dataAt === undefined || /VALUES$/i.test(text.slice(0, st.dataAt))) return { sql: body.toString('utf8') }
  const ws = /^[ \t\r\f\v]*\n?/.exec(text.slice(st.dataAt, st.dataAt + 4096))![0]
  const at = st.dataAt + (ws.endsWith('\n') ? ws.length : /^\s*/.exec(text.slice(st.dataAt, st.dataAt + 4096))![0].length)
  return { sql: body.subarray(0, st.dataAt).toString('utf8'), insertData: body.subarray(at) }
}

export function parseRequest(req: IncomingMessage, url: URL, body: Buffer): ChRequest {
  const { user, password } = credentials(req, url)
  const form = /^multipart\/form-data;.*boundary=("?)([^";]+)\1/i.exec(String(req.headers['content-type'] ?? ''))
  const fields = form ? multipart(body, form[2]) : new Map<string, string>()
  const params: Record<string, string> = {}
  const settings: Array<[string, string]> = []
  for (const [k, v] of [...url.searchParams, ...fields]) {
    if (k.startsWith('param_')) params[k.slice(6)] = v
    else if (!RESERVED.has(k)) settings.push([k, v])
  }
  if (url.searchParams.get('compress') === '1' || url.searchParams.get('decompress') === '1')
    throw new ChError(48, 'NOT_IMPLEMENTED', 'ClickHouse native compression (compress=1 / decompress=1) is not supported by this test server')
  const fromUrl = url.searchParams.get('query') ?? ''
  let sql: string
  let insertData: Buffer | undefined
  if (form) sql = fields.get('query') ?? fromUrl
  else if (!fromUrl) ({ sql, insertData } = splitInsert(body))
  else if (isInsertHead(fromUrl)) {
    // `INSERT … FORMAT X` in the URL, rows in the body (client.insert): the rows stay bytes.
    sql = fromUrl
    insertData = body
  } else sql = body.length === 0 ? fromUrl : `${fromUrl}\n${body.toString('utf8')}`
  const setting = (name: string) => settings.find(([k]) => k === name)?.[1]
  const wait = url.searchParams.get('wait_end_of_query') ?? setting('http_wait_end_of_query')
  const enabled = setting('enable_http_compression')
  return {
    sql,
    insertData,
    params,
    settings,
    database: url.searchParams.get('database') ?? (req.headers['x-clickhouse-database'] as string | undefined),
    queryId: url.searchParams.get('query_id') || undefined,
    defaultFormat: url.searchParams.get('default_format') ?? (req.headers['x-clickhouse-format'] as string | undefined) ?? 'TabSeparated',
    readonly: req.method === 'GET' || req.method === 'HEAD',
    user,
    password,
    waitEndOfQuery: wait === '1' || wait === 'true',
    bufferSize: Math.max(Number(url.searchParams.get('buffer_size') ?? setting('http_response_buffer_size') ?? 0) || 0, 1 << 20),
    encoding: enabled === '1' || enabled === 'true' ? responseEncoding(String(req.headers['accept-encoding'] ?? '')) : undefined,
    compressionLevel: Number(setting('http_zlib_compression_level') ?? 3),
  }
}

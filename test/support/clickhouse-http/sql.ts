// Just enough of ClickHouse's lexer to answer what the HTTP handler must know before the engine
// sees a query: which statement it is, whether there is more than one (the HTTP interface refuses
// multi-statements, chDB would run them), the output format a FORMAT clause names, and where
// an INSERT's inline data begins. Quoted strings, quoted identifiers, heredocs and comments
// (`--`, `#!`/`# `, nested `/* */`) are skipped as ClickHouse's Lexer does, so a `;` or the
// word FORMAT inside them means nothing.
// https://clickhouse.com/docs/sql-reference/syntax#comments

export interface Statement {
  /** First keyword, upper-cased: SELECT, WITH, INSERT, CREATE, … ('' for an empty query). */
  keyword: string
  /** SELECT / WITH / a parenthesized SELECT: the statements the engine can stream. */
  select: boolean
  /** Output format from a top-level FORMAT clause (not for INSERT, where FORMAT names the input). */
  format?: string
  /** For INSERT … FORMAT X / INSERT … VALUES: offset just after that clause, where data starts. */
  dataAt?: number
  /** Offset of a second statement after a top-level `;`, if there is one. */
  secondAt?: number
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y
const HEREDOC = /\$([A-Za-z0-9_]*)\$/y

/** Offset just past the quoted token starting at `i` (backslash escapes and doubled quotes). */
function skipQuoted(sql: string, i: number): number {
  const q = sql[i]
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] === '\\') j++
    else if (sql[j] === q) {
      if (sql[j + 1] === q) j++
      else return j + 1
    }
  }
  return sql.length
}

/** Offset just past whitespace and comments from `i`. */
export function skipSpace(sql: string, i: number): number {
  for (;;) {
    const c = sql[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') i++
    else if ((c === '-' && sql[i + 1] === '-') || (c === '#' && (sql[i + 1] === ' ' || sql[i + 1] === '!'))) {
      const nl = sql.indexOf('\n', i)
      i = nl < 0 ? sql.length : nl + 1
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1
      i += 2
      while (i < sql.length && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2))
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2))
        else i++
      }
    } else return i
  }
}

export function scanStatement(sql: string): Statement {
  const st: Statement = { keyword: '', select: false }
  let depth = 0
  let first = true
  let insertSelect = false // INSERT … SELECT: VALUES after it is the table function, not data
  let pendingFormat = false // the previous top-level word was FORMAT
  let ended = false // a top-level `;` was seen
  let i = skipSpace(sql, 0)
  while (i < sql.length) {
    const c = sql[i]
    if (ended) {
      st.secondAt = i
      return st
    }
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i)
      pendingFormat = false
    } else if (c === '$' && (HEREDOC.lastIndex = i, HEREDOC.test(sql))) {
      const tag = sql.slice(i, HEREDOC.lastIndex)
      const close = sql.indexOf(tag, HEREDOC.lastIndex)
      i = close < 0 ? sql.length : close + tag.length
    } else if ((WORD.lastIndex = i, WORD.test(sql))) {
      const word = sql.slice(i, WORD.lastIndex)
      const upper = word.toUpperCase()
      i = WORD.lastIndex
      if (first) {
        st.keyword = upper
        st.select = upper === 'SELECT' || upper === 'WITH'
        first = false
      }
      if (depth === 0) {
        if (pendingFormat) {
          pendingFormat = false
          if (st.keyword === 'INSERT') {
            st.dataAt = i
            return st // the rest is data, not SQL
          }
          st.format = word
        } else if (upper === 'FORMAT') pendingFormat = true
        else if (upper === 'SELECT' || upper === 'WITH') insertSelect = true
        else if (upper === 'VALUES' && st.keyword === 'INSERT' && !insertSelect) {
          st.dataAt = i
          return st
        }
      }
    } else {
      if (c === '(') depth++
      else if (c === ')') depth = Math.max(0, depth - 1)
      else if (c === ';' && depth === 0) ended = true
      pendingFormat = false
      i++
    }
    i = skipSpace(sql, i)
  }
  return st
}

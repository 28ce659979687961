// The export fast path, behind the CSV writer of csv.ts: that writer as a ClickHouse expression,
// so the engine formats a large export itself and Node only passes the bytes on, instead of
// parsing every record into an object and writing it out again (half the memory growth:
// test/bench/fast-export.ts). Same rules, byte for byte (test/finance-export-writers checks the
// two writers against each other): typed numbers as they are, text neutralised against
// formulas and quoted per RFC 4180, CRLF line ends.
import type { Column } from './columns.ts'

/** A column of the query: its name and ClickHouse type (from DESCRIBE). */
export interface SourceColumn {
  name: string
  type: string
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
// Regular expressions as SQL string literals (the engine unescapes the backslashes once).
const FORMULA_START = String.raw`'^[=+\\-@\\t\\r]'`
const SPECIAL = String.raw`'[",\\r\\n]'`
/** A plain decimal number, which both writers put in a cell as a number (fast-xlsx-sql.ts too). */
export const DECIMAL = String.raw`'^-?\\d+(\\.\\d+)?$'`

/** cellText() of columns.ts: the value as JSON output renders it, '' for NULL, arrays joined by ", ". */
function text(col: string, type: string): string {
  const t = type.replace(/^LowCardinality\((.*)\)$/, '$1').replace(/^Nullable\((.*)\)$/, '$1')
  if (t.startsWith('Array(')) return `arrayStringConcat(arrayMap(v -> ifNull(toString(v), ''), ${col}), ', ')`
  if (/^(Map|Tuple|JSON|Object)\b/.test(t)) return `ifNull(toJSONString(${col}), '')`
  return `ifNull(toString(${col}), '')`
}

/**
 * neutralize() of columns.ts, then field() of csv.ts: an apostrophe before a start that a
 * spreadsheet would run as a formula, then quotes (inner ones doubled) around text holding a
 * quote, comma or line break. Most cells need neither, and the first test tells.
 */
function textField(t: string): string {
  const inert = `concat(if(match(${t}, ${FORMULA_START}), '''', ''), ${t})`
  const quoted = `if(match(${inert}, ${SPECIAL}), concat('"', replaceAll(${inert}, '"', '""'), '"'), ${inert})`
  return `if(match(${t}, ${FORMULA_START}) OR match(${t}, ${SPECIAL}), ${quoted}, ${t})`
}

function cell(c: Column, t: string): string {
  if (c.type === 'number' || c.type === 'money') return `if(match(${t}, ${DECIMAL}), ${t}, ${textField(t)})`
  if (c.type === 'bool') return `if(${t} IN ('true', 'false'), ${t}, ${textField(t)})`
  return textField(t)
}

/**
 * The two halves of the CSV line expression over a query's rows: `texts` is each column's text
 * (selected as c0, c1, ... in a subquery) and `line` the line made of them, with its CRLF. The
 * split keeps the expression small: each text is computed once and named, not repeated.
 */
export function csvLineExpression(columns: Column[], source: SourceColumn[]): { texts: string; line: string } {
  const cells = columns.map((c, i) => cell(c, `c${i}`))
  return { texts: columnTexts(columns, source), line: `concat(${cells.join(", ',', ")}, '\\r\\n')` }
}

/** Each export column's text, named c0, c1, ... (shared with the XLSX rows: fast-xlsx-sql.ts). */
export function columnTexts(columns: Column[], source: SourceColumn[]): string {
  const types = new Map(source.map((s) => [s.name, s.type]))
  return columns
    .map((c, i) => {
      const type = types.get(c.key)
      if (!IDENTIFIER.test(c.key) || type === undefined) throw new Error(`export column ${JSON.stringify(c.key)} is not a column of its query`)
      return `${text(`\`${c.key}\``, type)} AS c${i}`
    })
    .join(', ')
}

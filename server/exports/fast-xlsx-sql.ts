// The export fast path, behind rowsXml of xlsx-cells.ts: those rows as a ClickHouse expression,
// so the engine writes a large export's sheet XML itself and Node only zips the bytes (less
// memory growth, but slower: test/bench/fast-export.ts). Same cells as rowsXml (the tests read
// both back with exceljs): numbers and money as numbers in the row's currency format, dates as
// serial days, text as inline strings with XML's special characters escaped.
import { DECIMAL, columnTexts, type SourceColumn } from './fast-csv-sql.ts'
import type { Column } from './columns.ts'
import { CURRENCIES, MONEY_BASE, MONEY_OTHER, STYLE, columnLetter } from './xlsx-cells.ts'

// Control characters XML 1.0 has no place for, as rowsXml drops them (xlsxText).
const NOT_XML = String.raw`'[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x{FFFE}\\x{FFFF}]'`

const escaped = (t: string) =>
  `replaceAll(replaceAll(replaceAll(replaceRegexpAll(toValidUTF8(${t}), ${NOT_XML}, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`

// Leading or trailing XML white space, which a reader keeps only when told to (xml:space).
const EDGE_SPACE = String.raw`'^[ \t\r\n]|[ \t\r\n]$'`

function cell(c: Column, t: string, ref: string, currency: string): string {
  const space = `if(match(${t}, ${EDGE_SPACE}), ' xml:space="preserve"', '')`
  const inline = `concat('<c r="', ${ref}, '" t="inlineStr"><is><t', ${space}, '>', ${escaped(t)}, '</t></is></c>')`
  const num = (style: string) => `concat('<c r="', ${ref}, '"${style ? ` s="', ${style}, '"` : ''}><v>', ${t}, '</v></c>')`
  let typed: string
  switch (c.type) {
    case 'number':
      typed = `if(match(${t}, ${DECIMAL}), ${num('')}, ${inline})`
      break
    case 'money': {
      const i = `indexOf({currencies:Array(String)}, ${currency})`
      typed = `if(match(${t}, ${DECIMAL}), ${num(`toString(if(${i} = 0, ${MONEY_OTHER}, ${MONEY_BASE - 1} + ${i}))`)}, ${inline})`
      break
    }
    case 'date': {
      const d = `toDate32OrNull(substring(${t}, 1, 10))`
      typed = `if(isNull(${d}), ${inline}, concat('<c r="', ${ref}, '" s="${STYLE.date}"><v>', toString(dateDiff('day', toDate32('1900-01-01'), assumeNotNull(${d})) + 2), '</v></c>'))`
      break
    }
    default:
      typed = inline
  }
  return `if(${t} = '', '', ${typed})`
}

/**
 * One `<row>` element per row, in the query's order: the first is the export's
 * {row_base:UInt64}-th (0-based), and rows are numbered within their sheet of
 * {sheet_rows:UInt64} (from 2, as rowsXml numbers them), over the
 * column texts of fast-csv-sql.ts (`texts`, selected as c0, c1, ... in a subquery). Money takes the
 * style of the row's currency (the query's `currency` column, else USD; or the column its
 * Column.currency names) from {currencies}.
 */
export function xlsxRowExpression(columns: Column[], source: SourceColumn[]): { texts: string; row: string; currencies: readonly string[] } {
  const k = columns.findIndex((c) => c.key === 'currency')
  const currency = k >= 0 ? `c${k}` : `'USD'`
  // A column in another currency (a reporting amount) takes the style of the column naming it.
  const currencyOf = (c: Column) => {
    const j = c.currency ? columns.findIndex((x) => x.key === c.currency) : -1
    return j >= 0 ? `c${j}` : currency
  }
  const cells = columns.map((c, i) => cell(c, `c${i}`, `concat('${columnLetter(i + 1)}', rn)`, currencyOf(c)))
  const texts = `${columnTexts(columns, source)}, toString(({row_base:UInt64} + rowNumberInAllBlocks()) % {sheet_rows:UInt64} + 2) AS rn`
  return { texts, row: `concat('<row r="', rn, '">', ${cells.join(', ')}, '</row>')`, currencies: CURRENCIES }
}

// XLSX written as a stream: SpreadsheetML parts zipped by yazl as they are produced, the
// data sheet's rows arriving as XML in chunks (made here from rows, or by the engine for the
// large comparisons: exports/xlsx-sql.ts), so memory stays flat however many rows there are.
// Typed cells (numbers, dates, money with two decimals and its currency), a frozen bold header
// row with an autofilter, and a second sheet stating what the export holds. Text is an inline
// string, which no spreadsheet runs as a formula.
import { PassThrough, Readable } from 'node:stream'
import { cellText, type Column, type ExportMeta } from './columns.ts'

/** Rows of the data sheet as XML (`<row r="…">` elements, numbered from 2), and how many. */
export interface SheetChunk {
  xml: string | Uint8Array
  rows: number
}

// Cell styles (styles.xml cellXfs): the header, dates, date-times, then one money format per
// currency code the runtime knows (ISO 4217), and a plain money format for any other code.
export const STYLE = { header: 1, date: 2, datetime: 3 } as const
export const CURRENCIES: readonly string[] = Intl.supportedValuesOf('currency')
export const MONEY_BASE = 4
export const MONEY_OTHER = MONEY_BASE + CURRENCIES.length
const currencyIndex = new Map(CURRENCIES.map((c, i) => [c, i]))

function moneyStyle(currency: string): number {
  const i = currencyIndex.get(currency)
  return i === undefined ? MONEY_OTHER : MONEY_BASE + i
}

/** Days since 1899-12-30, the spreadsheet epoch (1900 date system). */
const EPOCH_MS = Date.UTC(1899, 11, 30)
const serial = (ms: number) => String((ms - EPOCH_MS) / 86_400_000)

// XML 1.0 has no place for most control characters, even escaped: they are dropped.
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g
const xmlText = (s: string) => s.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;')

export function columnLetter(n: number): string {
  let s = ''
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

const DECIMAL = /^-?\d+(\.\d+)?$/
// Leading or trailing XML white space, which a reader keeps only when told to (xml:space).
const EDGE_SPACE = /^[ \t\r\n]|[ \t\r\n]$/
const inline = (ref: string, s: string, style = '') =>
  `<c r="${ref}"${style} t="inlineStr"><is><t${EDGE_SPACE.test(s) ? ' xml:space="preserve"' : ''}>${xmlText(s)}</t></is></c>`
const num = (ref: string, v: string, style?: number) => `<c r="${ref}"${style ? ` s="${style}"` : ''}><v>${v}</v></c>`

function cellXml(col: Column, ref: string, v: unknown, currency: string): string {
  if (v === null || v === undefined || v === '') return ''
  const text = cellText(v)
  switch (col.type) {
    case 'number':
      return DECIMAL.test(text) ? num(ref, text) : inline(ref, text)
    case 'money':
      return DECIMAL.test(text) ? num(ref, text, moneyStyle(currency)) : inline(ref, text)
    case 'date': {
      const ms = Date.parse(`${text.slice(0, 10)}T00:00:00Z`)
      return Number.isNaN(ms) ? inline(ref, text) : num(ref, serial(ms), STYLE.date)
    }
    case 'datetime': {
      const ms = Date.parse(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`)
      return Number.isNaN(ms) ? inline(ref, text) : num(ref, serial(ms), STYLE.datetime)
    }
    case 'bool':
      return `<c r="${ref}" t="b"><v>${v === true || v === 'true' || v === 1 ? 1 : 0}</v></c>`
    default:
      return inline(ref, text)
  }
}

/** Data rows a sheet holds: Excel's 1,048,576 rows, less the header. Larger exports continue
 *  on further sheets, each numbered from row 2 under its own header. */
export const SHEET_ROWS = 1_048_575

/**
 * Data rows as sheet XML, the first being the export's `from`-th (0-based), numbered within
 * their sheet (from 2, every `sheetRows` rows); money in each row's own currency.
 */
export function rowsXml(columns: Column[], rows: Record<string, unknown>[], from: number, currencyOf: (row: Record<string, unknown>) => string, sheetRows = SHEET_ROWS): string {
  const letters = columns.map((_, i) => columnLetter(i + 1))
  let out = ''
  rows.forEach((r, i) => {
    const n = ((from + i) % sheetRows) + 2
    const currency = currencyOf(r)
    out += `<row r="${n}">${columns.map((c, j) => cellXml(c, `${letters[j]}${n}`, r[c.key], currency)).join('')}</row>`
  })
  return out
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

const SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'

/** The package's parts; `sheets` worksheets, the last being the About sheet. */
function contentTypes(sheets: number): string {
  const overrides = Array.from({ length: sheets }, (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${SHEET_TYPE}"/>`).join('')
  return `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides}
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`
}

const ROOT_RELS = `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`

function workbookRels(sheets: number): string {
  const rels = Array.from({ length: sheets }, (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')
  return `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}
<Relationship Id="rId${sheets + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`
}

/** Two decimals, then the currency code in quotes (the code is text in a number format). */
function moneyFormat(code: string): string {
  const c = code ? ` "${code.replace(/"/g, '')}"` : ''
  return `#,##0.00${c};-#,##0.00${c}`
}

const STYLES = (() => {
  const formats = [[164, 'yyyy-mm-dd'], [165, 'yyyy-mm-dd hh:mm:ss'], ...CURRENCIES.map((c, i) => [166 + i, moneyFormat(c)]), [166 + CURRENCIES.length, moneyFormat('')]] as Array<[number, string]>
  const xf = (numFmt: number, font = 0) => `<xf numFmtId="${numFmt}" fontId="${font}" fillId="0" borderId="0" xfId="0"${numFmt ? ' applyNumberFormat="1"' : ''}${font ? ' applyFont="1"' : ''}/>`
  const xfs = [xf(0), xf(0, 1), xf(164), xf(165), ...CURRENCIES.map((_, i) => xf(166 + i)), xf(166 + CURRENCIES.length)]
  return `${XML}<styleSheet xmlns="${MAIN}">
<numFmts count="${formats.length}">${formats.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${xmlAttr(code)}"/>`).join('')}</numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`
})()

/** Sheet names: the title, then "title (2)", ... for continuation sheets; 31 characters at most,
 *  without the characters a sheet name cannot hold. */
function sheetName(title: string, k: number): string {
  const suffix = k > 1 ? ` (${k})` : ''
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31 - suffix.length) + suffix
}

function workbook(names: string[]): string {
  const sheets = names.map((name, i) => `<sheet name="${xmlAttr(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
  return `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets}</sheets></workbook>`
}

function core(meta: ExportMeta): string {
  return `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>${xmlText(meta.title)}</dc:title><dc:creator>Crosswalk</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${xmlText(meta.generatedAt)}</dcterms:created>
</cp:coreProperties>`
}

/** A worksheet's opening up to its first data row: frozen header row, column widths, the header. */
function sheetStart(headers: string[], widths: number[], frozen: boolean): string {
  const pane = frozen ? '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>' : ''
  const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')
  const header = headers.map((h, i) => inline(`${columnLetter(i + 1)}1`, h, ` s="${STYLE.header}"`)).join('')
  return `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData><row r="1" s="${STYLE.header}" customFormat="1">${header}</row>`
}

const ROW = Buffer.from('<row ')

/** Byte offset of the `k`-th (0-based) row element in sheet XML (text cannot hold one: its < is escaped). */
function rowOffset(xml: Buffer, k: number): number {
  let at = xml.indexOf(ROW)
  for (let i = 0; i < k; i++) at = xml.indexOf(ROW, at + ROW.length)
  return at
}

/**
 * Writes the workbook into the returned stream while the rows are consumed: data sheets of at
 * most `sheetRows` rows each (the rows come numbered within their sheet: rowsXml, xlsx-sql.ts),
 * then the About sheet. Parts that list the sheets are zipped last, once their number is known.
 */
export function xlsxStream(columns: Column[], rows: AsyncIterable<SheetChunk>, meta: ExportMeta, sheetRows = SHEET_ROWS): Readable {
  const out = new PassThrough()
  const source = rows[Symbol.asyncIterator]()
  const perSheet: number[] = []
  const mtime = new Date(meta.generatedAt)
  // Rows of a chunk that did not fit its sheet: the start of the next one.
  let carried: { xml: Buffer; rows: number } | null = null
  const widths = columns.map((c) => Math.min(Math.max(c.header.length + 2, c.type === 'text' ? 16 : 14), 48))

  async function next(): Promise<{ xml: Buffer; rows: number } | null> {
    if (carried) {
      const c = carried
      carried = null
      return c
    }
    const r = await source.next()
    if (r.done) return null
    return { xml: typeof r.value.xml === 'string' ? Buffer.from(r.value.xml) : Buffer.from(r.value.xml.buffer, r.value.xml.byteOffset, r.value.xml.byteLength), rows: r.value.rows }
  }

  /** One data sheet; leaves in `carried` what belongs to the next. */
  async function* sheet(): AsyncGenerator<Buffer> {
    let n = 0
    yield Buffer.from(sheetStart(columns.map((c) => c.header), widths, true))
    for (let chunk = await next(); chunk; chunk = await next()) {
      if (n === sheetRows) {
        carried = chunk
        break
      }
      if (n + chunk.rows <= sheetRows) {
        n += chunk.rows
        yield chunk.xml
        continue
      }
      const cut = rowOffset(chunk.xml, sheetRows - n)
      yield chunk.xml.subarray(0, cut)
      carried = { xml: chunk.xml.subarray(cut), rows: chunk.rows - (sheetRows - n) }
      n = sheetRows
    }
    yield Buffer.from(`</sheetData><autoFilter ref="A1:${columnLetter(columns.length)}${n + 1}"/></worksheet>`)
    perSheet.push(n)
  }

  function about(): string {
    const total = perSheet.reduce((a, b) => a + b, 0)
    const facts: Array<[string, string]> = [
      ['Export', meta.title],
      ['As of', meta.asOf],
      ['Generated at', meta.generatedAt],
      ['Rows', String(total)],
      ...(perSheet.length > 1 ? [['Data sheets', `${perSheet.length} (a sheet holds ${sheetRows.toLocaleString('en-US')} rows)`] as [string, string]] : []),
      ...Object.entries(meta.filters).map(([k, v]) => [`Filter: ${k}`, v] as [string, string]),
    ]
    const body = facts.map(([k, v], i) => `<row r="${i + 2}">${inline(`A${i + 2}`, k)}${inline(`B${i + 2}`, v)}</row>`).join('')
    return `${sheetStart(['Field', 'Value'], [24, 60], false)}${body}</sheetData></worksheet>`
  }

  ;(async () => {
    // Loaded on the first XLSX export, not by every server.
    const { ZipFile } = await import('yazl')
    const zip = new ZipFile()
    const fail = (e: Error) => out.destroy(e)
    zip.on('error', fail)
    zip.outputStream.on('error', fail).pipe(out)
    const part = (name: string, xml: string) => zip.addBuffer(Buffer.from(xml), name, { mtime })
    part('_rels/.rels', ROOT_RELS)
    part('docProps/core.xml', core(meta))
    part('xl/styles.xml', STYLES)
    // Entries are zipped in turn: each data sheet, once written, adds the next or the rest.
    const addSheet = (k: number) => {
      const stream = Readable.from(sheet(), { objectMode: false }).on('error', fail)
      stream.on('end', () => {
        if (carried) return addSheet(k + 1)
        const sheets = perSheet.length + 1
        part(`xl/worksheets/sheet${sheets}.xml`, about())
        part('xl/workbook.xml', workbook([...perSheet.map((_, i) => sheetName(meta.title, i + 1)), 'About this export']))
        part('xl/_rels/workbook.xml.rels', workbookRels(sheets))
        part('[Content_Types].xml', contentTypes(sheets))
        zip.end()
      })
      zip.addReadStream(stream, `xl/worksheets/sheet${k}.xml`, { mtime })
    }
    addSheet(1)
  })().catch((e: Error) => out.destroy(e))
  return out
}

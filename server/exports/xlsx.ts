// XLSX written as a stream: SpreadsheetML parts (xlsx-parts.ts) zipped by yazl as they are
// produced, the data rows arriving as XML in chunks (xlsx-cells.ts rowsXml, or the engine for
// the large comparisons: fast-xlsx-sql.ts), so memory stays flat however many rows there are. Data
// sheets of at most SHEET_ROWS rows, each with a frozen bold header row and an autofilter, then
// a sheet stating what the export holds.
import { PassThrough, Readable } from 'node:stream'
import type { Column, ExportMeta } from './columns.ts'
import { SHEET_ROWS, columnLetter, inline } from './xlsx-cells.ts'
import { ROOT_RELS, STYLES, contentTypes, core, sheetName, sheetStart, workbook, workbookRels } from './xlsx-parts.ts'

/** Data rows as XML (`<row r="…">` elements, numbered within their sheet), and how many. */
export interface SheetChunk {
  xml: string | Uint8Array
  rows: number
}

// Row elements are found by their opening: text cannot hold one, since its < is escaped.
const ROW = Buffer.from('<row ')

/** The row elements in sheet XML. */
export function rowsIn(xml: Uint8Array): number {
  const all = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength)
  let n = 0
  for (let at = all.indexOf(ROW); at >= 0; at = all.indexOf(ROW, at + ROW.length)) n++
  return n
}

/** Byte offset of the `k`-th (0-based) row element in sheet XML. */
function rowOffset(xml: Buffer, k: number): number {
  let at = xml.indexOf(ROW)
  for (let i = 0; i < k; i++) at = xml.indexOf(ROW, at + ROW.length)
  return at
}

/** The last sheet: what the export holds, as of when, how many rows, with which filters. */
function aboutSheet(meta: ExportMeta, perSheet: number[], sheetRows: number): string {
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

/**
 * Writes the workbook into the returned stream while the rows are consumed: data sheets of at
 * most `sheetRows` rows each (the rows come numbered within their sheet: rowsXml, fast-xlsx-sql.ts),
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
        part(`xl/worksheets/sheet${sheets}.xml`, aboutSheet(meta, perSheet, sheetRows))
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

// RFC 4180 CSV read as a stream (Salesforce Bulk API 2.0 results): quoted fields, doubled
// quotes, CRLF or LF, fields and rows cut anywhere between chunks. Only the row being read is
// held; complete rows come out per chunk. Same rules as framework/csv.ts's parseCsv, which needs
// the whole text.
import { StringDecoder } from 'node:string_decoder'

export class CsvRows {
  private row: string[] = []
  private field = ''
  private quoted = false
  /** A quote seen inside a quoted field: either the field's end or the first of a doubled quote. */
  private quoteSeen = false
  /** A CR ended the last row: an LF right after it belongs to that line end. */
  private afterCr = false
  private any = false

  push(text: string): string[][] {
    const rows: string[][] = []
    let i = 0
    const n = text.length
    while (i < n) {
      const c = text[i]
      if (this.afterCr) {
        this.afterCr = false
        if (c === '\n') {
          i++
          continue
        }
      }
      if (this.quoteSeen) {
        this.quoteSeen = false
        if (c === '"') {
          this.field += '"'
          i++
          continue
        }
        this.quoted = false // the closing quote; c is read as outside quotes below
      }
      if (this.quoted) {
        // Copy the run up to the next quote at once: fields can be long.
        const q = text.indexOf('"', i)
        if (q === -1) {
          this.field += text.slice(i)
          break
        }
        this.field += text.slice(i, q)
        this.quoteSeen = true
        i = q + 1
        continue
      }
      this.any = true
      if (c === '"') this.quoted = true
      else if (c === ',') {
        this.row.push(this.field)
        this.field = ''
      } else if (c === '\n' || c === '\r') {
        this.row.push(this.field)
        rows.push(this.row)
        this.row = []
        this.field = ''
        this.any = false
        this.afterCr = c === '\r'
      } else this.field += c
      i++
    }
    return rows
  }

  /** The last row when the text does not end with a line end. */
  end(): string[][] {
    if (this.quoteSeen) this.quoted = false
    if (this.quoted) throw new Error('The CSV ends inside a quoted field (a cut file?).')
    if (!this.any && this.field === '' && this.row.length === 0) return []
    const last = [...this.row, this.field]
    this.row = []
    this.field = ''
    this.any = false
    return [last]
  }
}

/** Rows of a CSV byte stream, per chunk read. A leading BOM is dropped. */
export async function* csvRows(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[][]> {
  const decoder = new StringDecoder('utf8')
  const csv = new CsvRows()
  let first = true
  for await (const chunk of body) {
    let text = decoder.write(chunk as Buffer)
    if (first && text) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    const rows = csv.push(text)
    if (rows.length) yield rows
  }
  const rows = [...csv.push(decoder.end()), ...csv.end()]
  if (rows.length) yield rows
}

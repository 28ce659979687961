// XLSX through exceljs's streaming workbook writer: rows are committed as they come, so memory
// stays flat however many there are. Typed cells (numbers, dates, money with two decimals and
// its currency), a frozen header row with an autofilter, and a second sheet stating what the
// export holds. String cells are inert in XLSX: a value starting with = stays text.
import { PassThrough } from 'node:stream'
// Loaded on the first XLSX export: exceljs adds ~28 MB to a process that may never export.
import type ExcelJS from 'exceljs'
import { cellText, type Column, type ExportMeta } from './columns.ts'

function value(col: Column, v: unknown, currency: string): { value: ExcelJS.CellValue; numFmt?: string } {
  if (v === null || v === undefined || v === '') return { value: null }
  switch (col.type) {
    case 'number':
      return { value: Number(v) }
    case 'money':
      return { value: Number(v), numFmt: `#,##0.00 "${currency.replace(/"/g, '')}";-#,##0.00 "${currency.replace(/"/g, '')}"` }
    case 'date': {
      const d = new Date(`${String(v).slice(0, 10)}T00:00:00Z`)
      return Number.isNaN(d.getTime()) ? { value: cellText(v) } : { value: d, numFmt: 'yyyy-mm-dd' }
    }
    case 'datetime': {
      const d = new Date(String(v).includes('T') ? String(v) : `${String(v).replace(' ', 'T')}Z`)
      return Number.isNaN(d.getTime()) ? { value: cellText(v) } : { value: d, numFmt: 'yyyy-mm-dd hh:mm:ss' }
    }
    case 'bool':
      return { value: v === true || v === 'true' || v === 1 }
    default:
      return { value: cellText(v) }
  }
}

function columnLetter(n: number): string {
  let s = ''
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

type Queue = { writableLength?: number; _writableState?: { length: number } }

/** Bytes of sheet XML written but not yet taken by the zip compressor (exceljs internals, 4.x). */
function unzipped(ws: ExcelJS.Worksheet): number {
  const pipes = (ws as unknown as { stream?: { pipes?: Queue[] } }).stream?.pipes ?? []
  return pipes.reduce((n, p) => n + (p.writableLength ?? p._writableState?.length ?? 0), 0)
}

/** Writes the workbook into the returned stream while `rows` are consumed. */
export function xlsxStream(
  columns: Column[],
  rows: AsyncIterable<Record<string, unknown>[]>,
  meta: ExportMeta,
  currencyOf: (row: Record<string, unknown>) => string,
): PassThrough {
  const out = new PassThrough()
  ;(async () => {
    const { default: excel } = await import('exceljs')
    const wb = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    wb.creator = 'Crosswalk'
    wb.created = new Date(meta.generatedAt)
    const ws = wb.addWorksheet(meta.title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] })
    ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: Math.min(Math.max(c.header.length + 2, c.type === 'text' ? 16 : 14), 48) }))
    ws.getRow(1).font = { bold: true }
    ws.getRow(1).commit()
    let n = 1
    for await (const chunk of rows) {
      for (const r of chunk) {
        const row = ws.addRow([])
        const currency = currencyOf(r)
        columns.forEach((c, i) => {
          const { value: v, numFmt } = value(c, r[c.key], currency)
          const cell = row.getCell(i + 1)
          cell.value = v
          if (numFmt) cell.numFmt = numFmt
        })
        row.commit()
        n++
      }
      // Let the zip and the client catch up before producing more: bounded memory however slow
      // either is. exceljs's sheet stream ignores backpressure and queues what the compressor has
      // not taken yet in the stream it pipes to, so that queue is watched too.
      while (out.readableLength > 8 * 1024 * 1024 || unzipped(ws) > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 5))
    }
    ws.autoFilter = `A1:${columnLetter(columns.length)}${n}`
    ws.commit()
    const about = wb.addWorksheet('About this export')
    about.columns = [{ header: 'Field', key: 'k', width: 24 }, { header: 'Value', key: 'v', width: 60 }]
    about.getRow(1).font = { bold: true }
    const lines: Array<[string, string]> = [
      ['Export', meta.title],
      ['As of', meta.asOf],
      ['Generated at', meta.generatedAt],
      ['Rows', String(n - 1)],
      ...Object.entries(meta.filters).map(([k, v]) => [`Filter: ${k}`, v] as [string, string]),
    ]
    for (const [k, v] of lines) about.addRow({ k, v }).commit()
    about.commit()
    await wb.commit()
  })().catch((e) => out.destroy(e as Error))
  return out
}

// RFC 4180 CSV, enough for Salesforce Bulk 2.0 results: quoted fields, doubled quotes, CRLF/LF.
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** A row as a record: `Account.Name` columns nested as REST returns them, empty cells null. */
export function csvRecord(header: string[], values: string[]): Record<string, unknown> {
  const rec: Record<string, unknown> = {}
  header.forEach((name, i) => {
    const path = name.split('.')
    let at = rec
    for (const p of path.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>
    at[path[path.length - 1]] = values[i] === '' || values[i] === undefined ? null : values[i]
  })
  return rec
}

// The parts of an XLSX package around its worksheets' rows: content types, relationships, the
// workbook's sheet list, styles (one money format per currency code), core properties, and the
// opening of a worksheet (frozen header row, column widths, the header itself).
import type { ExportMeta } from './columns.ts'
import { CURRENCIES, STYLE, columnLetter, inline, xlsxText, xmlAttr } from './xlsx-cells.ts'

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

const SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'

/** The package's parts; `sheets` worksheets, the last being the About sheet. */
export function contentTypes(sheets: number): string {
  const overrides = Array.from({ length: sheets }, (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${SHEET_TYPE}"/>`).join('')
  return `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides}
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`
}

export const ROOT_RELS = `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`

export function workbookRels(sheets: number): string {
  const rels = Array.from({ length: sheets }, (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')
  return `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}
<Relationship Id="rId${sheets + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`
}

/** Two decimals, then the currency code in quotes (the code is text in a number format). */
function moneyFormat(code: string): string {
  const c = code ? ` "${code.replace(/"/g, '')}"` : ''
  return `#,##0.00${c};-#,##0.00${c}`
}

export const STYLES = (() => {
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
export function sheetName(title: string, k: number): string {
  const suffix = k > 1 ? ` (${k})` : ''
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31 - suffix.length) + suffix
}

export function workbook(names: string[]): string {
  const sheets = names.map((name, i) => `<sheet name="${xmlAttr(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
  return `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets}</sheets></workbook>`
}

export function core(meta: ExportMeta): string {
  return `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>${xlsxText(meta.title)}</dc:title><dc:creator>Crosswalk</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${xlsxText(meta.generatedAt)}</dcterms:created>
</cp:coreProperties>`
}

/** A worksheet's opening up to its first data row: frozen header row, column widths, the header. */
export function sheetStart(headers: string[], widths: number[], frozen: boolean): string {
  const pane = frozen ? '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>' : ''
  const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')
  const header = headers.map((h, i) => inline(`${columnLetter(i + 1)}1`, h, ` s="${STYLE.header}"`)).join('')
  return `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData><row r="1" s="${STYLE.header}" customFormat="1">${header}</row>`
}

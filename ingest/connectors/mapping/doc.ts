// Keeps docs/connectors/<type>.md in step with the shipped mappings: the text between
// `<!-- generated:mappings -->` and `<!-- /generated:mappings -->` is rendered from the JSON
// files, the rest is written by hand. `node server/cli/run-ts.mjs ingest/connectors/mapping/doc.ts`
// rewrites the docs; test/connectors-mapping-docs.test.ts fails when one is stale.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { connectorTypes } from '../types/index.ts'
import { loadMapping, mappingRows, shippedMappings, sourceText } from './mapping.ts'
import type { MappingType } from './schema.ts'

export const DOCS_DIR = fileURLToPath(new URL('../../../docs/connectors/', import.meta.url))
const BEGIN = '<!-- generated:mappings -->'
const END = '<!-- /generated:mappings -->'

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The mapping tables of one type, as Markdown. */
export function renderMappings(type: MappingType): string {
  const out: string[] = []
  for (const { entity } of shippedMappings().filter((m) => m.type === type)) {
    const m = loadMapping(type, entity)
    out.push(`### ${entity}${m.lookup_only ? ' (lookup only)' : ''}`, '')
    out.push(`Read from: ${cell(sourceText(m))}. Incremental cursor: ${m.modified ? `\`${m.modified}\`` : 'none (full listings only)'}.`)
    // Only types with a per-entity deletion feed say where deletions come from (full listings
    // always); a lookup-only entity sends nothing, deletions included.
    const feedOf = connectorTypes[type].deletionFeed
    if (feedOf && !m.lookup_only) {
      const feed = feedOf(entity, m.source)
      out.push(`Deletions: ${feed ? `on incremental pulls, ${cell(feed)}; always` : 'only'} from full listings (\`full_every\`).`)
    }
    if (m.defaults) out.push(`Dates: ${[m.defaults.format && `format \`${m.defaults.format}\``, m.defaults.tz && `local times in ${m.defaults.tz}`].filter(Boolean).join(', ')}.`)
    out.push('', '| canonical | native | transform |', '|---|---|---|')
    for (const [f, n, t] of mappingRows(m)) out.push(`| \`${f}\` | ${n === '—' ? '—' : `\`${cell(n)}\``} | ${cell(t)} |`)
    if (m.notes?.length) out.push('', ...m.notes.map((n) => `- ⚠ ${n}`))
    out.push('')
  }
  return out.join('\n')
}

/** The doc with its generated block replaced; throws when the markers are missing. */
export function updateDoc(text: string, type: MappingType): string {
  const a = text.indexOf(BEGIN)
  const b = text.indexOf(END)
  if (a < 0 || b < a) throw new Error(`docs/connectors/${type}.md needs the markers ${BEGIN} and ${END}`)
  return `${text.slice(0, a + BEGIN.length)}\n\n${renderMappings(type)}\n${text.slice(b)}`
}

export function docTypes(): MappingType[] {
  return [...new Set(shippedMappings().map((m) => m.type))]
}

// Run directly (`npx tsx …/doc.ts`, or through server/cli/run-ts.mjs, where it is argv[2]).
const self = fileURLToPath(import.meta.url)
if (process.argv.slice(1, 3).some((a) => a && fs.existsSync(a) && fs.realpathSync(a) === self)) {
  for (const type of docTypes()) {
    const file = `${DOCS_DIR}${type}.md`
    const before = fs.readFileSync(file, 'utf8')
    const after = updateDoc(before, type)
    if (after !== before) fs.writeFileSync(file, after)
    console.log(`${after === before ? 'unchanged' : 'updated  '} docs/connectors/${type}.md`)
  }
}

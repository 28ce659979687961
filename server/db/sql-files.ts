// SQL lives in sql/ as files; this is the only place that reads them.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql')

const cache = new Map<string, string>()

/** The text of sql/<rel>, e.g. `rules/source_stale.sql`. */
export function sqlFile(rel: string): string {
  let text = cache.get(rel)
  if (text === undefined) {
    text = fs.readFileSync(path.join(SQL_DIR, rel), 'utf8')
    cache.set(rel, text)
  }
  return text
}

/** Files of a sql/ subfolder, sorted by name. */
export function sqlFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(SQL_DIR, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort()
}

/** Splits a file into statements at `;` ending a line (no statement of ours has one inside). */
export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean)
}

// Loads and validates the config file; with none, the contract's defaults and the demo sources.
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { StartupError } from '../lib/errors.ts'
import { configSchema, type Config } from './schema.ts'

export const DEMO_SOURCES = [
  { system: 'salesforce', kind: 'crm', name: 'Salesforce' },
  { system: 'netsuite', kind: 'erp', name: 'NetSuite' },
  { system: 'kantata', kind: 'psa', name: 'Kantata' },
  { system: 'workday', kind: 'hr', name: 'Workday' },
] as const

export function defaultConfig(): Config {
  return configSchema.parse({ sources: DEMO_SOURCES })
}

export function loadConfig(file?: string): Config {
  if (!file) return defaultConfig()
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    throw new StartupError(`Cannot read the config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`)
  }
  let raw: unknown
  try {
    raw = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text)
  } catch (e) {
    throw new StartupError(`The config file ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`)
  }
  return parseConfig(raw ?? {}, path.basename(file))
}

export function parseConfig(raw: unknown, where = 'config'): Config {
  const r = configSchema.safeParse(raw)
  if (!r.success) {
    const issue = r.error.issues[0]
    const field = formatPath(issue.path)
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : ''
    throw new StartupError(`Invalid config in ${where}: ${field || '(root)'}: ${issue.message}${keys}.`)
  }
  const systems = new Set<string>()
  for (const [i, s] of r.data.sources.entries()) {
    if (systems.has(s.system)) throw new StartupError(`Invalid config in ${where}: sources[${i}].system: ${s.system} is declared twice.`)
    systems.add(s.system)
  }
  return r.data
}

export function formatPath(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')
}

// Loads and validates the config file; with none, the contract's defaults and the demo sources.
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { StartupError } from '../lib/errors.ts'
import { configSchema, type Config } from './schema.ts'
import { resolveSecrets, TYPE_KINDS } from '../connectors/config.ts'

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

export function parseConfig(raw: unknown, where = 'config', env: NodeJS.ProcessEnv = process.env): Config {
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
    if (s.connector) s.connector = checkConnector(s.connector, s.kind, `sources[${i}].connector`, where, env)
  }
  checkMetrics(r.data.metrics, where, env)
  return r.data
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** The metrics token's `${VAR}` resolved (and long enough); a listener off loopback needs the token. */
function checkMetrics(m: Config['metrics'], where: string, env: NodeJS.ProcessEnv): void {
  const fail = (msg: string) => new StartupError(`Invalid config in ${where}: metrics.${msg}.`)
  if (m.token !== undefined) {
    m.token = m.token.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const value = env[name]
      if (value === undefined || value === '') throw fail(`token refers to the environment variable ${name}, which is not set`)
      return value
    })
    if (m.token.length < 16) throw fail('token: expected at least 16 characters')
  }
  if (m.listen && !m.token && !LOOPBACK.has(m.listen.host))
    throw fail(`listen.host: ${m.listen.host} is not a loopback address; set metrics.token to serve metrics there`)
}

export function formatPath(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')
}

/** What the schema alone cannot say: the type feeds this kind, its URLs are given, its secrets are set. */
function checkConnector(c: NonNullable<Config['sources'][number]['connector']>, kind: string, at: string, where: string, env: NodeJS.ProcessEnv) {
  const fail = (msg: string) => new StartupError(`Invalid config in ${where}: ${at}${msg}.`)
  if (!TYPE_KINDS[c.type].includes(kind)) throw fail(`.type: ${c.type} feeds ${TYPE_KINDS[c.type].join(' or ')} sources, not ${kind}`)
  if (c.type === 'workday' ? !c.report_url : !c.base_url) throw fail(c.type === 'workday' ? '.report_url: required for workday (the report\'s whole URL)' : '.base_url: required (the tenant\'s root, e.g. https://acme.my.salesforce.com)')
  try {
    return resolveSecrets(c, env, at)
  } catch (e) {
    throw new StartupError(`Invalid config in ${where}: ${(e as Error).message}.`)
  }
}

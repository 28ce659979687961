// Argument parsing shared by the subcommands: node's parseArgs, with errors as one sentence.
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true })
  } catch (e) {
    throw new UsageError((e as Error).message.split('. ')[0].replace(/\.$/, ''))
  }
}

export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer, got '${value}'`)
  return n
}

export const env = (name: string): string | undefined => process.env[name] || undefined

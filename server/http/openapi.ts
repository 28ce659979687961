// Routes with their contract: each area is an OpenAPIHono app whose routes declare request and
// answer schemas (validated on every request, published at /api/v1/openapi.json, and typing the
// dashboard's client). One validation hook, so every 400 reads the same; one way to answer with
// exact decimals that still carries the answer's type.
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, TypedResponse } from 'hono'
import type { JSONParsed } from 'hono/utils/types'
import type { ZodError } from 'zod'
import type { AppEnv } from '../context.ts'
import { badRequest } from '../lib/errors.ts'
import { formatPath } from '../config/load.ts'
import { stringify, type Decimal } from '../lib/json.ts'

const TARGETS: Record<string, string> = { query: 'query parameter', json: 'body field', param: 'path parameter', header: 'header' }

/** The 400 for a request that does not fit its route's schema, naming what is wrong. */
export function invalid(error: ZodError, target: string) {
  const issue = error.issues[0]
  const what = TARGETS[target] ?? target
  if (issue.code === 'unrecognized_keys')
    return badRequest('bad_parameter', `Unknown ${what}${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`)
  const field = formatPath(issue.path)
  if (target === 'json' && !field) return badRequest('bad_json', `The request body ${issue.message}.`)
  return badRequest('bad_parameter', `${target === 'query' || target === 'param' ? '' : `${what} `}${field}: ${issue.message}.`, { field })
}

/** An area's routes: validation failures become the one 400 shape. */
export function routes() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalid(result.error, result.target)
    },
  })
}

/** Decimal (lib/json.ts) where the schema says number: the exact value, typed as a number. */
export type Exact<T> = T extends number
  ? number | Decimal
  : T extends readonly (infer U)[]
    ? Exact<U>[]
    : T extends object
      ? { [K in keyof T]: Exact<T[K]> }
      : T

/**
 * A JSON answer written with exact decimals (lib/json.ts), typed as the route's schema says:
 * what `c.json` would be, with every Decimal's digits as they are stored.
 */
export function exact<T, S extends 200 | 201 = 200>(c: Context, value: Exact<T>, status?: S): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  return c.body(stringify(value), (status ?? 200) as 200, { 'Content-Type': 'application/json; charset=utf-8' }) as unknown as Response & TypedResponse<JSONParsed<T>, S, 'json'>
}

/** The same for an answer already written as JSON bytes (the read cache keeps them so). */
export function exactText<T>(c: Context, text: string | Uint8Array): Response & TypedResponse<JSONParsed<T>, 200, 'json'> {
  return c.body(text as string, 200, { 'Content-Type': 'application/json; charset=utf-8' }) as unknown as Response & TypedResponse<JSONParsed<T>, 200, 'json'>
}

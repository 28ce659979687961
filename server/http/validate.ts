// Query and body validation with one error shape: 400 naming the parameter.
import type { z } from 'zod'
import { badRequest } from '../lib/errors.ts'
import { formatPath } from '../config/load.ts'

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown, what = 'query parameter'): z.output<S> {
  const r = schema.safeParse(query)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  if (issue.code === 'unrecognized_keys')
    throw badRequest('bad_parameter', `Unknown ${what}${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`)
  const field = formatPath(issue.path)
  throw badRequest('bad_parameter', `${what} ${field}: ${issue.message}.`, { field })
}

/** A request's JSON body; a body that is not JSON is a 400 like any other bad input. */
export async function readJson(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw badRequest('bad_json', 'The request body must be a JSON object.')
  }
}

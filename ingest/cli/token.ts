// `crosswalk token`: create, list and revoke API tokens through the admin API, so the CLI needs
// no access to storage.
import { UsageError, parse } from '../../server/cli/args.ts'
import { callApi, table } from './admin-api.ts'
import { remote } from './remote.ts'

export const HELP = `Usage: crosswalk token create --system S [--name N] [--expires ISO]
       crosswalk token create --user USER_ID [--name N] [--expires ISO]
       crosswalk token list
       crosswalk token revoke ID
       (all take --server URL and --token ADMIN_TOKEN)

Collector tokens (--system) may only ingest for their source; personal tokens (--user) act as
that user with its role. A new token is printed once: only its digest is stored.`

export async function run(argv: string[]) {
  const { values, positionals } = parse(
    argv,
    { system: { type: 'string' }, user: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' } },
    true,
  )
  const [action, id] = positionals
  const to = remote(values)
  if (action === 'create') {
    if (!values.system === !values.user) throw new UsageError('token create needs exactly one of --system or --user')
    const t = await callApi(to, 'POST', '/api/v1/tokens', {
      kind: values.system ? 'collector' : 'personal',
      system: values.system,
      user_id: values.user,
      name: values.name,
      expires_at: values.expires,
    })
    console.log(`created ${t.id} (${t.kind}${t.system ? ` for ${t.system}` : ''}). Copy it now, it is not shown again:\n${t.token}`)
  } else if (action === 'list') {
    const r = await callApi(to, 'GET', '/api/v1/tokens')
    console.log(table(r.items, ['id', 'kind', 'system', 'user_id', 'name', 'status', 'created_at', 'expires_at', 'last_used_at']))
  } else if (action === 'revoke') {
    if (!id) throw new UsageError('token revoke needs a token ID')
    const t = await callApi(to, 'DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`)
    console.log(`revoked ${t.id}`)
  } else throw new UsageError(`token needs create, list or revoke${action ? `, not '${action}'` : ''}`)
}

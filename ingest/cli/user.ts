// `crosswalk user`: add, list and disable users through the admin API; a password comes only
// from stdin, never from an argument.
import fs from 'node:fs'
import { UsageError, parse } from '../../server/cli/args.ts'
import { callApi, table } from './admin-api.ts'
import { remote } from './remote.ts'

export const HELP = `Usage: crosswalk user add --email E --name N --role executive|ops|finance|admin [--password-stdin]
       crosswalk user list
       crosswalk user disable ID
       (all take --server URL and --token ADMIN_TOKEN)

--password-stdin reads the password (12+ characters) from standard input, so it never
appears in the shell history or the process list. Users without a password sign in with a
personal token (crosswalk token create --user ID) or through single sign-on.`

export async function run(argv: string[]) {
  const { values, positionals } = parse(
    argv,
    { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, server: { type: 'string' }, token: { type: 'string' } },
    true,
  )
  const [action, id] = positionals
  const to = remote(values)
  if (action === 'add') {
    if (!values.email || !values.role) throw new UsageError('user add needs --email and --role')
    const password = values['password-stdin'] ? fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '') : undefined
    const u = await callApi(to, 'POST', '/api/v1/users', { email: values.email, name: values.name ?? values.email, role: values.role, password })
    console.log(`added ${u.id} ${u.email} (${u.role})`)
  } else if (action === 'list') {
    const r = await callApi(to, 'GET', '/api/v1/users')
    console.log(table(r.items, ['id', 'email', 'name', 'role', 'disabled', 'has_password', 'created_at']))
  } else if (action === 'disable') {
    if (!id) throw new UsageError('user disable needs a user ID')
    const u = await callApi(to, 'PATCH', `/api/v1/users/${encodeURIComponent(id)}`, { disabled: true })
    console.log(`disabled ${u.id} ${u.email}`)
  } else throw new UsageError(`user needs add, list or disable${action ? `, not '${action}'` : ''}`)
}

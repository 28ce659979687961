// crosswalk <command>: each command is loaded only when run, so `crosswalk token` does not pay
// for the server's imports.
import { StartupError } from '../lib/errors.ts'
import { UsageError } from './args.ts'
import { IngestError } from '../../ingest/collectors/client.ts'

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<void>; HELP: string }> }> = {
  serve: { summary: 'run the API and dashboard', load: () => import('./serve.ts') },
  ingest: { summary: 'send an NDJSON/JSON file, or a system\'s native export (--format), to the ingest API', load: () => import('../../ingest/cli/ingest.ts') },
  pull: { summary: 'pull a source through its connector now and show progress', load: () => import('../../ingest/cli/pull.ts') },
  connectors: { summary: 'list connector types, show their shipped mappings', load: () => import('../../ingest/cli/connectors.ts') },
  demo: { summary: 'generate a demo firm and send it to a server', load: () => import('../../ingest/cli/demo.ts') },
  migrate: { summary: 'print the schema migrations (serve applies them)', load: () => import('./migrate.ts') },
  user: { summary: 'add, list or disable users (admin)', load: () => import('../../ingest/cli/user.ts') },
  token: { summary: 'create, list or revoke API tokens (admin)', load: () => import('../../ingest/cli/token.ts') },
  backup: { summary: 'back up everything, consistently, from the running server (admin)', load: () => import('./backup.ts') },
  restore: { summary: 'restore a backup into a fresh server (admin)', load: () => import('./restore.ts') },
}

const HELP = `Usage: crosswalk <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'crosswalk <command> --help' for a command's options.`

async function main(argv: string[]) {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP)
    return
  }
  const cmd = COMMANDS[name]
  if (!cmd) throw new UsageError(`unknown command '${name}'; commands are ${Object.keys(COMMANDS).join(', ')}`)
  const mod = await cmd.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(mod.HELP)
    return
  }
  await mod.run(rest)
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof UsageError) console.error(`crosswalk: ${e.message}. See 'crosswalk --help'.`)
  else if (e instanceof StartupError || e instanceof IngestError) console.error(`crosswalk: ${e.message}`)
  else console.error('crosswalk: unexpected error:', e)
  process.exit(e instanceof UsageError ? 2 : 1)
})

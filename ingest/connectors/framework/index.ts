// Connector framework (CONTRACT §8): auth, one rate-limited HTTP client per source, pagers, and
// cursor windows, used by the six readers in ../types.
//
// Exported API
//   openSource(type, config, deps) → SourceHttp   one per source; every entity's reads share it
//   type.read(entity, {mode, state, columns, source?, since?, runStartedAt?, http}) → AsyncIterable<Page>
//     Page = {records, deletedIds?, state, last, full?, info: {url, status}}
//     The reader never saves state: the runner saves page.state once the batch holding the page
//     has committed. `full` pages form one multi-part snapshot (deletions on the last one).
//   connectorType(name) / connectorTypes                    (from ../types/index.ts)
//   Errors: BudgetExhausted (end the run ok-but-partial; resume next time from the saved state),
//           ConnectorAuthError (credentials refused even after a fresh token), ConnectorHttpError.
//   Building blocks: clientCredentials / tokenBasedAuth / basicAuth / bearerToken, oauth1Header,
//     nextUrlPager / offsetKeysetPager / pageNumberPager / locatorPager / batched, jsonArrayAt,
//     TokenBucket / SourcePause / parseRetryAfter, readWindow.
//
// Runner sketch:
//   const http = openSource(t, config, { clock })
//   try { for await (const p of t.read('time_entry', { mode, state, columns, source, http })) {
//           await send(p); if (p.state) await saveState(p.state) } }
//   catch (e) { if (e instanceof BudgetExhausted) partial(e.message); else throw e }
import { SourceHttp } from './http.ts'
import type { ConnectorConfig, ConnectorDeps, ConnectorType } from './types.ts'

export function openSource(type: ConnectorType, config: ConnectorConfig, deps: ConnectorDeps): SourceHttp {
  return new SourceHttp(config, type.auth(config, deps), deps, type.defaultLimits, type.httpHooks?.(config))
}

export * from './auth.ts'
export * from './errors.ts'
export * from './http.ts'
export * from './json-stream.ts'
export * from './limits.ts'
export * from './oauth1.ts'
export * from './pagers.ts'
export * from './source.ts'
export * from './types.ts'
export * from './window.ts'

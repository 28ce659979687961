#!/usr/bin/env node
// The `crosswalk` command. TypeScript sources run through tsx's loader, so there is no build
// step between `npm install` and using the CLI.
import { register } from 'tsx/esm/api'

// The embedded engine's allocator (jemalloc inside libchdb, which reads JE_MALLOC_CONF when the
// library loads, so this must come before any import of chdb). By default freed pages stay
// with the process for seconds per arena, so each burst of work (an ingest, an export's
// slices) left the server larger than it needed to be. A background thread now returns them
// after a second, off the query threads: the 1M-row ingest bench peaked at 472-525 MB (most
// runs under 480) instead of 525-541 MB at the same rate, and a 1M-row CSV export grew the
// server ~30 MB less. A user's own JE_MALLOC_CONF wins.
process.env.JE_MALLOC_CONF ??= 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0'

register()
await import('./main.ts')

// `npm run test:faults`: the fault suite (test/faults/*.fault.ts), apart from `npm test`'s
// Vitest run (test/run.mjs runs it after those). Files run one at a time: they kill servers,
// fill and remount file systems, and time their kills.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: '.',
    include: ['test/faults/*.fault.ts'],
    pool: 'forks',
    environment: 'node',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
})

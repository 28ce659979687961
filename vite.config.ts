import { defineConfig } from 'vitest/config'
import solid from 'vite-plugin-solid'

export default defineConfig({
  plugins: [solid()],
  root: 'web',
  // ECharts (core with bar and line charts, canvas) is one ~186 KB gzipped chunk, loaded by the
  // routes that draw charts; the warning at 500 KB raw would flag exactly that on every build.
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/v1': 'http://127.0.0.1:8787' } },
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // chDB is one engine per process and locks its data dir: each test file runs in its own
    // forked process with its own data dir.
    pool: 'forks',
    environment: 'node',
    maxWorkers: 2,
    // Budgets, not assertions: a loaded CI machine runs the heavy integration files several
    // times slower, and a timeout there says nothing about the code.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
})

// Playwright in Debian's Chromium against the real server with the demo firm (global-setup.ts
// builds the dashboard, starts the server on a fresh data dir and a free port, and adds one user
// per role). Screenshots of every page go to test-results/screenshots/.
import { defineConfig } from '@playwright/test'
import fs from 'node:fs'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!fs.existsSync(chromium)) throw new Error(`No Chromium at ${chromium}: apt-get install -y chromium, or set CHROMIUM_PATH.`)

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/playwright',
  globalSetup: './global-setup.ts',
  // One server, one data dir: tests that change exceptions run one at a time.
  workers: 1,
  // No retries: no browser test measures time (npm run bench -- ui does), so a failure is real.
  retries: 0,
  fullyParallel: false,
  // Budgets, not measurements: generous so a loaded CI machine is not mistaken for a failure.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
})

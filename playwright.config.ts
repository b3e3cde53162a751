import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'

// Playwright cannot download browsers on every machine; Debian's Chromium is used where present.
const debianChromium = '/usr/bin/chromium'
const launchOptions = existsSync(debianChromium)
  ? {
      executablePath: debianChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }
  : {}

const appOrigin = process.env.APP_ORIGIN ?? 'http://localhost:5173'
const bwellOrigin = process.env.MOCK_BWELL_ORIGIN ?? 'http://127.0.0.1:4000'

export default defineConfig({
  testDir: './e2e',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two workers on this 2-core machine; Playwright's default would be one.
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  outputDir: 'test-results',
  use: {
    baseURL: appOrigin,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions } }],
  webServer: [
    {
      command: 'pnpm --filter ./apps/mock-backend start',
      url: `${bwellOrigin}/health`,
      env: { MOCK_BACKEND_TEST: '1' },
      // Never reuse: a server started by `pnpm demo` lacks test mode (faults) and hot-reloads.
      reuseExistingServer: false,
      stdout: 'pipe',
      timeout: 60_000,
    },
    {
      command: 'pnpm --filter ./apps/demo dev',
      url: appOrigin,
      // A frozen dev server: no hot reload mid-run, workspace packages pre-bundled.
      env: { DEMO_HMR: 'off' },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
})

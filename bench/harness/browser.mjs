// Chromium for the browser benchmarks, with the launch flags of playwright.config.ts.
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

const debianChromium = '/usr/bin/chromium'

/** The same flags the e2e suite uses for Debian's Chromium. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Launches headless Chromium: Debian's where present (Playwright cannot download browsers here),
 * otherwise Playwright's own.
 * @returns {Promise<import('@playwright/test').Browser>}
 */
export function launchChromium() {
  return chromium.launch(
    existsSync(debianChromium) ? { executablePath: debianChromium, args: chromiumArgs } : {},
  )
}

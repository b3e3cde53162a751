// One harness (two origins) and one Chromium, shared by the browser benchmarks of a run.
import { requireExports } from '../lib/bundle.mjs'
import { launchChromium } from './browser.mjs'
import { appBundle, callbackBundle, loginBundle } from './bundles.mjs'
import { startHarness } from './server.mjs'

/**
 * @typedef {object} BrowserSession
 * @property {import('@playwright/test').Browser} browser
 * @property {import('./server.mjs').Harness} harness
 * @property {string} appUrl the app page, told where the provider is
 * @property {string} loginUrl the login page, told where the authorization server is
 * @property {string} chromiumVersion
 * @property {() => Promise<void>} close stops the browser and both servers
 */

/**
 * Checks the exports the pages need, then starts the servers and the browser.
 * @returns {Promise<BrowserSession>}
 */
export async function startBrowserSession() {
  await requireExports('@oauth-connect/core/connect', ['connectProvider', 'completeConnection'])
  await requireExports('@oauth-connect/core/login', [
    'createLoginClient',
    'fixedEndpoints',
    'sessionStore',
  ])
  // Build before timing anything, so the first page load does not wait for esbuild.
  await Promise.all([appBundle(), callbackBundle(), loginBundle()])
  const harness = await startHarness({ appBundle, callbackBundle, loginBundle })
  /** @type {import('@playwright/test').Browser} */
  let browser
  try {
    browser = await launchChromium()
  } catch (error) {
    await harness.close()
    throw error
  }
  return {
    browser,
    harness,
    appUrl: `${harness.appOrigin}/?provider=${encodeURIComponent(harness.providerOrigin)}`,
    loginUrl: `${harness.appOrigin}/login?server=${encodeURIComponent(JSON.stringify(loginServer(harness.authServer)))}`,
    chromiumVersion: browser.version(),
    close: async () => {
      await browser.close()
      await harness.close()
    },
  }
}

/**
 * What the login page needs to know of the authorization server (the page reads it from `server`).
 * @param {import('./server.mjs').AuthServer} server
 * @returns {import('./pages/login.ts').LoginServerConfig}
 */
function loginServer(server) {
  return {
    issuer: server.issuer,
    authorizationEndpoint: server.authorizationEndpoint,
    tokenEndpoint: server.tokenEndpoint,
    revocationEndpoint: server.revocationEndpoint,
    resource: server.resource,
    clientId: server.clientId,
    scope: server.scope,
  }
}

/**
 * Opens the app page (or the login page) in a context and waits until its `window.bench` (or
 * `window.loginBench`) is installed.
 * @param {import('@playwright/test').BrowserContext} context
 * @param {string} appUrl
 * @param {'bench' | 'loginBench'} [ready] the global the page installs
 * @returns {Promise<import('@playwright/test').Page>}
 */
export async function openApp(context, appUrl, ready = 'bench') {
  const page = await context.newPage()
  await page.goto(appUrl)
  await page.waitForFunction(
    (name) => window[name] !== undefined || window.benchError !== undefined,
    ready,
  )
  const error = await page.evaluate(() => window.benchError)
  if (error !== undefined) throw new Error(error)
  return page
}

/**
 * Waits until every page of the context but `keep` has closed (the attempt's popup).
 * @param {import('@playwright/test').BrowserContext} context
 * @param {import('@playwright/test').Page} keep
 * @returns {Promise<void>}
 */
export async function popupsClosed(context, keep) {
  const others = context.pages().filter((p) => p !== keep && !p.isClosed())
  await Promise.all(
    others.map((p) => p.waitForEvent('close', { timeout: 5000 }).catch(() => undefined)),
  )
}

import type { BrowserContext, Request } from '@playwright/test'
import {
  amy,
  demoPath,
  expect,
  origins,
  pageLoad,
  panels,
  patientField,
  signIn,
  submitLogin,
  test,
} from './fixtures.ts'

/** Counts the token requests of a context (popups included), by grant type. */
function countTokenRequests(context: BrowserContext) {
  const grants: string[] = []
  context.on('request', (request: Request) => {
    if (request.method() !== 'POST' || request.url() !== `${origins.medblocks}/oauth2/token`) return
    grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '')
  })
  return {
    codeExchanges: () => grants.filter((g) => g === 'authorization_code').length,
    refreshes: () => grants.filter((g) => g === 'refresh_token').length,
  }
}

/** Records the tokens the Medblocks token endpoint issues to a context, by kind, in order. */
function recordIssuedTokens(context: BrowserContext) {
  const issued = {
    access_token: [] as string[],
    refresh_token: [] as string[],
    id_token: [] as string[],
  }
  context.on('response', async (response) => {
    if (response.url() !== `${origins.medblocks}/oauth2/token` || !response.ok()) return
    const body: unknown = await response.json().catch(() => undefined)
    if (typeof body !== 'object' || body === null) return
    for (const key of ['access_token', 'refresh_token', 'id_token'] as const) {
      const value = (body as Record<string, unknown>)[key]
      if (typeof value === 'string' && value) issued[key].push(value)
    }
  })
  return {
    all: () => [...issued.access_token, ...issued.refresh_token, ...issued.id_token],
    accessTokens: () => issued.access_token,
  }
}

test('signs in by redirect, shows the patient and signs out', async ({ page }) => {
  await signIn(page, amy)
  await expect(patientField(page, 'Name')).toHaveText(amy.name)
  await expect(patientField(page, 'Birth date')).toHaveText(amy.birthDate)
  await expect(patientField(page, 'Identifier')).toContainText(amy.identifier)
  const { signIn: region } = panels(page)
  await region.getByRole('button', { name: 'Sign out' }).click()
  await expect(region.getByText('You are signed out.')).toBeVisible()
  await expect(region.getByRole('button', { name: 'Sign in' })).toBeVisible()
})

test('signs in through a popup and keeps the page', async ({ page, context }) => {
  const tokens = countTokenRequests(context)
  await page.goto(demoPath({ signin: 'popup' }))
  const { signIn: region } = panels(page)
  const popupEvent = page.waitForEvent('popup')
  await region.getByRole('button', { name: 'Sign in' }).click()
  const popup = await popupEvent
  await submitLogin(popup, amy)
  await expect(region.getByText(`Signed in as ${amy.name}.`)).toBeVisible(pageLoad)
  await expect(patientField(page, 'Name')).toHaveText(amy.name)
  await expect.poll(() => popup.isClosed()).toBe(true)
  // The page never left: it is still the one the test opened, and one code was exchanged.
  expect(new URL(page.url()).pathname).toBe('/')
  expect(tokens.codeExchanges()).toBe(1)
})

test('[SEC-8] reloading the callback URL does not exchange the code twice', async ({
  page,
  context,
}) => {
  const tokens = countTokenRequests(context)
  let callbackUrl: string | undefined
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (
      request.isNavigationRequest() &&
      url.pathname === '/callback' &&
      url.searchParams.has('code')
    ) {
      callbackUrl = request.url()
    }
  })
  await signIn(page, amy)
  // StrictMode runs the callback effect twice; still one exchange.
  expect(tokens.codeExchanges()).toBe(1)
  expect(callbackUrl).toBeDefined()
  await page.goto(callbackUrl ?? '/')
  await expect(page.getByRole('alert')).toContainText('Sign-in failed', pageLoad)
  await page.goBack()
  await page.goForward()
  await expect(page.getByRole('alert')).toContainText('Sign-in failed', pageLoad)
  expect(tokens.codeExchanges()).toBe(1)
})

test('[SEC-10] after sign-in no token is in storage, cookies, the URL or history state', async ({
  page,
  context,
}) => {
  const tokens = recordIssuedTokens(context)
  await signIn(page, amy)
  await expect(patientField(page, 'Name')).toHaveText(amy.name)
  await expect.poll(() => tokens.all().length).toBeGreaterThanOrEqual(2)
  const issued = tokens.all()

  const seen = await page.evaluate(async () => {
    const dump = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, i) => {
        const key = storage.key(i) ?? ''
        return `${key}=${storage.getItem(key) ?? ''}`
      }).join('\n')
    const databases = await indexedDB.databases()
    return {
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      indexedDB: databases.map((d) => d.name ?? '').join(','),
      cookie: document.cookie,
      url: location.href,
      historyState: JSON.stringify(history.state) ?? '',
    }
  })
  const cookies = JSON.stringify(await context.cookies(origins.app))
  for (const token of issued) {
    for (const [where, text] of Object.entries({ ...seen, cookies })) {
      expect(text.includes(token), `a token is in ${where}`).toBe(false)
    }
  }
  // The PKCE transaction (verifier, state) is gone once used.
  expect(seen.sessionStorage).not.toMatch(/transaction|verifier|code_verifier/)
  expect(seen.localStorage).toBe('')
  expect(seen.indexedDB).toBe('')
  expect(seen.url).not.toMatch(/[?&#](code|state|access_token|id_token)=/)
})

test('[SEC-11] the callback sends no-referrer and strips code and state before anything else', async ({
  page,
}) => {
  const referers: string[] = []
  let policy: string | undefined
  page.on('request', (request) => {
    const referer = request.headers().referer
    if (referer) referers.push(referer)
  })
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/callback') {
      policy = response.headers()['referrer-policy']
    }
  })
  // Where the page was when each of its own requests started.
  await page.addInitScript(() => {
    const original = window.fetch.bind(window)
    const seen: string[] = []
    Object.assign(window, { __hrefsAtFetch: seen })
    window.fetch = (...args: Parameters<typeof fetch>) => {
      seen.push(location.href)
      return original(...args)
    }
  })
  await signIn(page, amy)
  expect(policy).toBe('no-referrer')
  const hrefs = await page.evaluate(
    () => (window as unknown as { __hrefsAtFetch: string[] }).__hrefsAtFetch,
  )
  // The token request and everything before it ran with code and state already stripped.
  expect(hrefs.some((href) => new URL(href).pathname === '/callback')).toBe(true)
  for (const href of hrefs) expect(href).not.toMatch(/[?&](code|state)=/)
  // Nothing the callback page loaded, nor anything after it, carried the code in a Referer.
  for (const referer of referers) expect(referer).not.toMatch(/[?&](code|state)=/)
  const url = new URL(page.url())
  expect(url.searchParams.has('code')).toBe(false)
  expect(url.searchParams.has('state')).toBe(false)
  const response = await page.request.get(`${origins.app}/connect/callback`)
  expect(response.headers()['referrer-policy']).toBe('no-referrer')
})

test('[SEC-10] with sessionStorage opted in, tokens are there and nowhere else', async ({
  page,
  context,
}) => {
  const tokens = recordIssuedTokens(context)
  await signIn(page, amy, { storage: 'session' })
  await expect(patientField(page, 'Name')).toHaveText(amy.name)
  await expect.poll(() => tokens.accessTokens().length).toBeGreaterThanOrEqual(1)
  const stores = await page.evaluate(() => ({
    session: Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`),
    local: Object.keys(localStorage),
    cookie: document.cookie,
  }))
  const latest = tokens.accessTokens().at(-1) ?? ''
  expect(stores.session.some((entry) => entry.includes(latest))).toBe(true)
  // Only the login session holds a token; the PKCE transaction is gone.
  for (const entry of stores.session.filter((e) => e.includes('"accessToken"'))) {
    expect(entry).toMatch(/^oauth-connect:login:[^=]+:session=/)
  }
  expect(stores.session.join('\n')).not.toMatch(/transaction=|code_verifier|"verifier"/)
  expect(stores.local).toEqual([])
  expect(stores.cookie).toBe('')
  expect(JSON.stringify(await context.cookies(origins.app))).not.toContain(latest)
})

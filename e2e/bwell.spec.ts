import type { BrowserContext, Page } from '@playwright/test'
import {
  amy,
  basicCredentials,
  casey,
  connectButton,
  connectionRow,
  connectionStatus,
  demoPath,
  expect,
  findProvider,
  lastAttempt,
  openConsentPopup,
  origins,
  pageLoad,
  panels,
  providerItem,
  signIn,
  submitLogin,
  syncStatus,
  test,
} from './fixtures.ts'

/** The GraphQL operations the pages of a context send to b.well, in order. */
function watchBwell(context: BrowserContext) {
  const sent: { query: string; headers: Record<string, string> }[] = []
  context.on('request', (request) => {
    if (request.url() !== `${origins.bwell}/v1/graphql` || request.method() !== 'POST') return
    const body: unknown = request.postDataJSON()
    const query =
      typeof body === 'object' && body !== null && 'query' in body && typeof body.query === 'string'
        ? body.query
        : ''
    sent.push({ query, headers: request.headers() })
  })
  return {
    sent,
    /** The requests whose document calls `field`. */
    calling: (field: string) => sent.filter((r) => new RegExp(`\\b${field}\\b`).test(r.query)),
  }
}

/** The pager's status line, e.g. "Page 1 of 4 (34 sources)". */
function pager(page: Page) {
  return panels(page).connect.getByRole('navigation', { name: 'Result pages' }).getByRole('status')
}

/** The names shown in the result list, in order. */
async function resultNames(page: Page): Promise<string[]> {
  return panels(page)
    .connect.getByRole('list', { name: 'Providers' })
    .getByRole('listitem')
    .locator('strong')
    .allTextContents()
}

test('the search pages through b.well sources, filters them by type, and marks the ones without an endpoint', async ({
  page,
}) => {
  await signIn(page, amy)
  const { connect } = panels(page)
  await expect(pager(page)).toHaveText(/^Page 1 of (\d+) \((\d+) sources\)$/, pageLoad)
  const [, pages, total] = /of (\d+) \((\d+)/.exec((await pager(page).textContent()) ?? '') ?? []
  expect(Number(pages)).toBe(Math.ceil(Number(total) / 10))
  expect(Number(pages)).toBeGreaterThan(1)
  await expect(connect.getByRole('button', { name: 'Previous page' })).toBeDisabled()
  const first = await resultNames(page)
  expect(first).toHaveLength(10)

  await connect.getByRole('button', { name: 'Next page' }).click()
  await expect(pager(page)).toHaveText(`Page 2 of ${pages} (${total} sources)`)
  await expect.poll(() => resultNames(page)).not.toEqual(first)
  const second = await resultNames(page)
  expect(second.filter((name) => first.includes(name))).toEqual([])
  await connect.getByRole('button', { name: 'Previous page' }).click()
  await expect(pager(page)).toHaveText(`Page 1 of ${pages} (${total} sources)`)

  // The type filter goes to b.well as filters.type, and starts again at page 1.
  await connect.getByLabel('Type').selectOption({ label: 'Pharmacy' })
  await expect(pager(page)).toHaveText(/^Page 1 of 1 \(\d+ sources?\)$/)
  const items = connect.getByRole('list', { name: 'Providers' }).getByRole('listitem')
  await expect(items.filter({ hasText: 'Wellspring Pharmacy' })).toBeVisible()
  for (const text of await items.allTextContents()) expect(text).toContain('pharmacy')
  // A result with no endpoint has no connection id: nothing to connect.
  const noEndpoint = providerItem(page, 'Pinecrest Compounding Pharmacy')
  await expect(noEndpoint).toContainText('Cannot be connected (no endpoint)')
  await expect(noEndpoint.getByRole('button')).toHaveCount(0)
  await connect.getByLabel('Only sources that can be connected').check()
  await expect(noEndpoint).toHaveCount(0)
  await expect(items.filter({ hasText: 'Wellspring Pharmacy' })).toBeVisible()
})

test('a source the search does not find can be requested from b.well', async ({ page }) => {
  await signIn(page, amy)
  const { connect } = panels(page)
  await connect.getByRole('button', { name: "Can't find your provider?" }).click()
  const form = connect.getByRole('form', { name: /Ask b.well to add a data source/ })
  // b.well needs an institution or a provider, and says so.
  await form.getByLabel('City').fill('Springfield')
  await form.getByRole('button', { name: 'Send the request' }).click()
  await expect(form.getByRole('alert')).toContainText(
    'institution or provider is required',
    pageLoad,
  )
  await form.getByLabel('Institution').fill('Maple Grove Clinic')
  await form.getByRole('button', { name: 'Send the request' }).click()
  await expect(form.getByRole('status')).toHaveText(
    'b.well answered: connection request received',
    pageLoad,
  )
})

test('a BASIC source connects with its username and password, and the password is kept nowhere', async ({
  page,
}) => {
  const provider = 'Harbor Pathology Group'
  const credentials = basicCredentials('harbor-pathology')
  await signIn(page, amy)
  const item = await findProvider(page, provider)
  // getDataSource says BASIC: the button opens a form instead of a popup.
  await item.getByRole('button', { name: `Connect ${provider}` }).click()
  const form = item.getByRole('group', { name: `Sign in to ${provider}` })
  await form.getByLabel('Username').fill(credentials.username)
  await form.getByLabel('Password').fill(credentials.password)
  await form.getByRole('button', { name: 'Connect with these credentials' }).click()
  await expect(form.getByRole('status')).toHaveText(`${provider} is connected.`, pageLoad)
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  await expect(syncStatus(page, provider)).toHaveText(/^(PENDING|RETRIEVING|RETRIEVED)$/)
  await expect(connectionRow(page, provider)).toContainText('BASIC')
  const kept = await page.evaluate(() =>
    JSON.stringify([{ ...sessionStorage }, { ...localStorage }, document.body.innerHTML]),
  )
  expect(kept).not.toContain(credentials.password)

  // b.well's FHIR Subscriptions list the same connection ('hapi' reads as BASIC).
  const { connect } = panels(page)
  await connect
    .getByLabel('Read connections from')
    .selectOption({ label: "FHIR Subscriptions (as b.well's SDK reads them)" })
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  await expect(connectionRow(page, provider)).toContainText('BASIC')

  // Disconnected, it reconnects with the credentials again.
  const row = connectionRow(page, provider)
  await row.getByRole('button', { name: `Disconnect ${provider}` }).click()
  await expect(connectionStatus(page, provider)).toHaveText('DISCONNECTED')
  await row.getByRole('button', { name: `Reconnect ${provider}` }).click()
  const again = row.getByRole('group', { name: `Sign in to ${provider}` })
  await again.getByLabel('Username').fill(credentials.username)
  await again.getByLabel('Password').fill(credentials.password)
  await again.getByRole('button', { name: 'Connect with these credentials' }).click()
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
})

test('a BASIC source refuses a wrong password, says so, and creates no connection', async ({
  page,
}) => {
  const provider = 'Wellspring Pharmacy'
  const { username } = basicCredentials('wellspring-pharmacy')
  await signIn(page, amy)
  const item = await findProvider(page, provider)
  await item.getByRole('button', { name: `Connect ${provider}` }).click()
  const form = item.getByRole('group', { name: `Sign in to ${provider}` })
  await form.getByLabel('Username').fill(username)
  await form.getByLabel('Password').fill('not-the-password')
  await form.getByRole('button', { name: 'Connect with these credentials' }).click()
  await expect(form.getByRole('alert')).toContainText(`Could not connect ${provider}`, pageLoad)
  // The fields are empty again: the wrong password is not kept for a second try.
  await expect(form.getByLabel('Password')).toHaveValue('')
  await panels(page).connect.getByRole('button', { name: 'Reload connections' }).click()
  await expect(connectionRow(page, provider)).toHaveCount(0)
})

test('a connection is disconnected, reconnected through a new OAuth flow, and deleted', async ({
  page,
}) => {
  const provider = 'Cerner Sandbox Medical Center'
  await signIn(page, amy, { mode: 'broadcast' })
  const popup = await openConsentPopup(page, provider)
  await popup.getByRole('button', { name: 'Allow' }).click()
  await expect(lastAttempt(page)).toContainText(`${provider}: Connected.`, pageLoad)
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  // b.well moves the fresh connection on by itself; the list is read again while it syncs.
  await expect(syncStatus(page, provider)).toHaveText('RETRIEVED', { timeout: 20_000 })

  const row = connectionRow(page, provider)
  await row.getByRole('button', { name: `Disconnect ${provider}` }).click()
  await expect(connectionStatus(page, provider)).toHaveText('DISCONNECTED')

  const popupEvent = page.waitForEvent('popup')
  await row.getByRole('button', { name: `Reconnect ${provider}` }).click()
  const again = await popupEvent
  await expect(again.getByRole('heading', { name: `Connect ${provider} to b.well` })).toBeVisible(
    pageLoad,
  )
  await again.getByRole('button', { name: 'Allow' }).click()
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)

  await row.getByRole('button', { name: `Delete ${provider}` }).click()
  await expect(connectionRow(page, provider)).toHaveCount(0)
})

test('an expired connection is reconnected through a new OAuth flow', async ({ page, request }) => {
  const provider = 'Evergreen Mutual Insurance'
  await signIn(page, amy, { mode: 'hosted' })
  const popup = await openConsentPopup(page, provider)
  await popup.getByRole('button', { name: 'Allow' }).click()
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)

  // The provider's token runs out at b.well (the mock's test route).
  const expired = await request.post(`${origins.bwell}/__test__/connections/expire`, {
    data: { connectionId: 'evergreen-mutual', username: amy.username },
  })
  expect(expired.ok(), await expired.text()).toBe(true)
  await panels(page).connect.getByRole('button', { name: 'Reload connections' }).click()
  await expect(connectionStatus(page, provider)).toHaveText('EXPIRED')

  const row = connectionRow(page, provider)
  const popupEvent = page.waitForEvent('popup')
  await row.getByRole('button', { name: `Reconnect ${provider}` }).click()
  const again = await popupEvent
  await again.getByRole('button', { name: 'Allow' }).click()
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  await expect(syncStatus(page, provider)).toHaveText(/^(PENDING|RETRIEVING|RETRIEVED)$/)
})

test('sign-out drops the b.well session and every b.well answer from the page', async ({
  page,
  context,
}) => {
  const bwell = watchBwell(context)
  await signIn(page, amy)
  const { connect, signIn: region } = panels(page)
  await expect(connect.getByRole('list', { name: 'Providers' })).toBeVisible(pageLoad)
  await expect(connect.getByText(/^(Your connections|You have no connections yet\.)$/)).toBeVisible(
    pageLoad,
  )
  // The b.well session came from the sign-in: the raw identity token and the client key.
  const [getToken] = bwell.calling('getToken')
  expect(getToken?.headers.clientkey).toBeTruthy()
  expect(getToken?.headers.authorization).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)

  await region.getByRole('button', { name: 'Sign out' }).click()
  await expect(region.getByText('You are signed out.')).toBeVisible(pageLoad)
  await expect(connect.getByRole('list', { name: 'Providers' })).toHaveCount(0)
  await expect(connect.getByRole('table', { name: 'Your connections' })).toHaveCount(0)
  await expect(connect.getByText(/no connections/)).toHaveCount(0)
  await expect(connect.getByLabel('Search providers')).toBeDisabled()
})

test('[SEC-19] a getOauthUrl that fails closes the popup without navigating it, and ends as error', async ({
  page,
  faults,
}) => {
  const provider = 'Priya Nair, MD'
  // Priya Nair is used by this test only, so the fault cannot reach another test.
  await faults.add({
    kind: 'status',
    target: 'graphql',
    status: 500,
    match: { operation: 'getOauthUrl', connectionId: 'dr-priya-nair' },
  })
  await signIn(page, amy, { mode: 'broadcast' })
  const button = await connectButton(page, provider)
  // Every page of the context, the popup included from its first request.
  const toPortal: string[] = []
  page.context().on('request', (request) => {
    if (request.url().startsWith(origins.portal)) toPortal.push(request.url())
  })
  const popupEvent = page.waitForEvent('popup')
  await button.click()
  const popup = await popupEvent
  await expect.poll(() => popup.isClosed()).toBe(true)
  expect(toPortal).toEqual([])
  await expect(lastAttempt(page)).toContainText(`${provider}: The connection failed.`)
  await expect(providerItem(page, provider).getByRole('alert')).not.toBeEmpty()
  await expect(connectionRow(page, provider)).toHaveCount(0)
})

test("the b.well session refreshes shortly before b.well's access token expires", async ({
  page,
  context,
}) => {
  const bwell = watchBwell(context)
  // The page's clock, moved forward instead of waiting: the mock's test-mode b.well tokens live
  // 120 s, and the client refreshes 60 s before their exp.
  await page.clock.install()
  await signIn(page, amy)
  const { connect } = panels(page)
  await expect(connect.getByRole('list', { name: 'Providers' })).toBeVisible(pageLoad)
  const sessions = bwell.calling('getToken').length
  expect(bwell.calling('refresh')).toEqual([])
  await page.clock.fastForward('01:05')
  await connect.getByLabel('Search providers').fill('Summit')
  await expect(providerItem(page, 'Summit Diagnostics')).toBeVisible(pageLoad)
  const [refresh] = bwell.calling('refresh')
  expect(refresh?.headers.refresh_token).toBeTruthy()
  expect(refresh?.headers.clientkey).toBeTruthy()
  expect(refresh?.headers.authorization).toBeUndefined()
  // The same session, refreshed: no new getToken.
  expect(bwell.calling('getToken')).toHaveLength(sessions)
})

// These tests arm faults for casey.lin, whom no other spec uses; serial, so that they do not
// consume each other's faults.
test.describe('the b.well session under faults', () => {
  test.describe.configure({ mode: 'serial' })

  test('getToken refused: the search says so, and the next search starts a new session', async ({
    page,
    context,
    faults,
  }) => {
    const bwell = watchBwell(context)
    await faults.add({ kind: 'getTokenRefused', match: { username: casey.username } })
    await signIn(page, casey)
    const { connect } = panels(page)
    await expect(connect.getByRole('alert').filter({ hasText: 'Search failed' })).toContainText(
      /refused/i,
      pageLoad,
    )
    await expect(connect.getByRole('list', { name: 'Providers' })).toHaveCount(0)
    // The fault answered once: a new search asks b.well for a session again, and gets one.
    await connect.getByLabel('Search providers').fill('Summit')
    await expect(providerItem(page, 'Summit Diagnostics')).toBeVisible(pageLoad)
    expect(bwell.calling('getToken').length).toBeGreaterThanOrEqual(2)
  })

  test("[SEC-27] Casey never sees Amy's b.well connections after she signs out, even while his load slowly", async ({
    page,
    context,
    faults,
  }) => {
    const provider = 'UnityCare Plans'
    const credentials = basicCredentials('unity-care-plans')
    const bwell = watchBwell(context)
    await page.goto(demoPath({ signin: 'popup' }))
    const { signIn: region, connect } = panels(page)
    const amyPopup = page.waitForEvent('popup')
    await region.getByRole('button', { name: 'Sign in' }).click()
    await submitLogin(await amyPopup, amy)
    await expect(region.getByText(`Signed in as ${amy.name}.`)).toBeVisible(pageLoad)
    const item = await findProvider(page, provider)
    await item.getByRole('button', { name: `Connect ${provider}` }).click()
    const form = item.getByRole('group', { name: `Sign in to ${provider}` })
    await form.getByLabel('Username').fill(credentials.username)
    await form.getByLabel('Password').fill(credentials.password)
    await form.getByRole('button', { name: 'Connect with these credentials' }).click()
    await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
    const amyBearers = new Set(bwell.sent.map((r) => r.headers.authorization))

    await region.getByRole('button', { name: 'Sign out' }).click()
    await expect(region.getByText('You are signed out.')).toBeVisible()
    // A fresh server session for the next user (the demo's sign-out keeps the server's own).
    await context.clearCookies({ domain: new URL(origins.medblocks).hostname })
    // From here on, record every text of the connect panel's tables and last-attempt line.
    await page.evaluate(() => {
      const panel = [...document.querySelectorAll('section')].find(
        (section) => section.querySelector('h2')?.textContent === 'Connect a data source',
      )
      if (!panel) throw new Error('no connect panel')
      const seen: string[] = []
      const record = () => {
        for (const node of panel.querySelectorAll('table, .last-outcome')) {
          seen.push(node.textContent ?? '')
        }
      }
      record()
      Object.assign(window, { seenTexts: seen })
      new MutationObserver(record).observe(panel, {
        subtree: true,
        childList: true,
        characterData: true,
      })
    })
    await faults.add({
      kind: 'latency',
      target: 'graphql',
      match: { username: casey.username, operation: 'getMemberConnections' },
      ms: 3_000,
    })
    const before = bwell.sent.length
    const caseyPopup = page.waitForEvent('popup')
    await region.getByRole('button', { name: 'Sign in' }).click()
    await submitLogin(await caseyPopup, casey)
    await expect(region.getByText(`Signed in as ${casey.name}.`)).toBeVisible(pageLoad)
    await expect(connect.getByText('Loading your connections…')).toBeVisible()
    await expect(
      connect.getByText(/^(Your connections|You have no connections yet\.)$/),
    ).toBeVisible(pageLoad)
    await expect(connectionRow(page, provider)).toHaveCount(0)
    const seen = await page.evaluate(() =>
      String((window as unknown as { seenTexts: string[] }).seenTexts.join('\n')),
    )
    expect(seen).not.toContain(provider)
    // Casey's b.well session started from Casey's sign-in; no bearer of Amy's was sent again.
    const caseys = bwell.sent.slice(before)
    const [getToken] = caseys.filter((r) => /\bgetToken\b/.test(r.query))
    const payload = getToken?.headers.authorization?.split('.')[1] ?? ''
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString()).sub).toBe(casey.username)
    for (const sent of caseys) expect(amyBearers.has(sent.headers.authorization)).toBe(false)
  })

  test('a b.well token that expires mid-session is refreshed, and the connection goes on', async ({
    page,
    context,
    faults,
  }) => {
    const provider = 'Keystone Medicare Advantage'
    const bwell = watchBwell(context)
    await signIn(page, casey, { mode: 'broadcast' })
    const button = await connectButton(page, provider)
    const sessionsBefore = bwell.calling('getToken').length
    // b.well treats the access token as expired from the getOauthUrl of this click on.
    await faults.add({
      kind: 'bwellTokenExpired',
      match: { username: casey.username, operation: 'getOauthUrl' },
    })
    const popupEvent = page.waitForEvent('popup')
    await button.click()
    const popup = await popupEvent
    await expect(popup.getByRole('heading', { name: `Connect ${provider} to b.well` })).toBeVisible(
      pageLoad,
    )
    // Refused once, refreshed with b.well's refresh token (no bearer), then sent again.
    const refreshes = bwell.calling('refresh')
    expect(refreshes.length).toBeGreaterThanOrEqual(1)
    expect(refreshes[0]?.headers.refresh_token).toBeTruthy()
    expect(refreshes[0]?.headers.authorization).toBeUndefined()
    expect(bwell.calling('getOauthUrl')).toHaveLength(2)
    expect(bwell.calling('getToken')).toHaveLength(sessionsBefore)
    await popup.getByRole('button', { name: 'Allow' }).click()
    await expect(lastAttempt(page)).toContainText(`${provider}: Connected.`, pageLoad)
    await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  })
})

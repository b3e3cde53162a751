import {
  amy,
  connectButton,
  connectionRow,
  connectionStatus,
  expect,
  lastAttempt,
  openConsentPopup,
  origins,
  pageLoad,
  panels,
  providerItem,
  signIn,
  test,
} from './fixtures.ts'

test('[SEC-17] closing the popup ends the attempt as closed', async ({ page }) => {
  const provider = 'Summit Diagnostics'
  await signIn(page, amy, { mode: 'hosted' })
  const popup = await openConsentPopup(page, provider)
  await popup.close()
  await expect(lastAttempt(page)).toContainText('outcome closed via closed')
  await expect(providerItem(page, provider)).toContainText(/closed before the connection finished/)
  await expect(connectionRow(page, provider)).toHaveCount(0)
})

test('[SEC-15] a short timeout ends the attempt as timeout and closes the popup', async ({
  page,
}) => {
  const provider = 'Northwind Health System'
  await signIn(page, amy, { mode: 'hosted', timeout: '1500' })
  const button = await connectButton(page, provider)
  // Nothing waits for the consent page: on a slow machine the timeout may come first.
  const popupEvent = page.waitForEvent('popup')
  await button.click()
  const popup = await popupEvent
  await expect(lastAttempt(page)).toContainText('outcome timeout via timeout')
  await expect(providerItem(page, provider)).toContainText(/timed out/i)
  await expect.poll(() => popup.isClosed()).toBe(true)
})

test('[SEC-16] [SEC-10] a blocked popup ends as blocked, continuing in this tab connects, and no attempt record is left', async ({
  page,
}) => {
  const provider = 'Mercy Valley Medical Center'
  await page.addInitScript(() => {
    window.open = () => null
  })
  await signIn(page, amy, { mode: 'broadcast', storage: 'session' })
  await (await connectButton(page, provider)).click()
  const item = providerItem(page, provider)
  await expect(item).toContainText(/pop-ups are blocked/i)
  await expect(lastAttempt(page)).toContainText('outcome blocked via blocked')
  await item.getByRole('button', { name: 'Continue in this tab' }).click()
  await expect(page.getByRole('heading', { name: `Connect ${provider} to b.well` })).toBeVisible(
    pageLoad,
  )
  await page.getByRole('button', { name: 'Allow' }).click()
  await expect(lastAttempt(page)).toContainText(
    `${provider}: Connected. (outcome success via redirect`,
    pageLoad,
  )
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  // The redirect-mode attempt record is deleted once used ([SEC-10]).
  const keys = await page.evaluate(() => Object.keys(sessionStorage))
  expect(
    keys.filter((k) => k.startsWith('oauth-connect:') && !k.startsWith('oauth-connect:login:')),
  ).toEqual([])
})

test('[SEC-16] in Auto mode a blocked popup falls back to a redirect', async ({ page }) => {
  const provider = "Lakeview Children's Hospital"
  await page.addInitScript(() => {
    window.open = () => null
  })
  await signIn(page, amy, { mode: 'auto', storage: 'session' })
  await (await connectButton(page, provider)).click()
  await expect(page.getByRole('heading', { name: `Connect ${provider} to b.well` })).toBeVisible(
    pageLoad,
  )
  await page.getByRole('button', { name: 'Deny' }).click()
  await expect(lastAttempt(page)).toContainText('outcome cancelled via redirect', pageLoad)
})

test('[SEC-1] a status-success from another origin is ignored', async ({ page }) => {
  // A source no test connects (the connect matrix only declines it), so no row may appear.
  const provider = 'Epic Sandbox Health'
  const evilOrigin = 'http://127.0.0.1:4003'
  // A page on another origin, framed by the app, posting to it with the right target origin.
  await page.route(`${evilOrigin}/evil`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>evil</title><script>parent.postMessage('status-success', ${JSON.stringify(origins.app)})</script>`,
    }),
  )
  await signIn(page, amy, { mode: 'hosted' })
  const popup = await openConsentPopup(page, provider)
  const received = page.evaluate(
    (from) =>
      new Promise<number>((resolve) => {
        const seen = new Set<string>()
        addEventListener('message', (event) => {
          if (from.includes(event.origin)) seen.add(event.origin)
          if (seen.size === from.length) resolve(seen.size)
        })
      }),
    [evilOrigin, origins.portal],
  )
  await page.evaluate((src) => {
    const frame = document.createElement('iframe')
    frame.src = src
    frame.title = 'Another origin'
    frame.hidden = true
    document.body.append(frame)
  }, `${evilOrigin}/evil`)
  // The popup itself, now on the provider portal's origin: the right window, the wrong origin.
  await popup.evaluate((target) => {
    window.opener?.postMessage('status-success', target)
  }, origins.app)
  expect(await received).toBe(2)
  await expect(providerItem(page, provider)).toContainText(/Connecting/)
  // Only b.well's real answer settles it; had a forged message counted, this would read success.
  await popup.getByRole('button', { name: 'Deny' }).click()
  await expect(lastAttempt(page)).toContainText('outcome error via message', pageLoad)
  await expect(connectionRow(page, provider)).toHaveCount(0)
})

test('[SEC-17] with COOP on the provider page, custom redirect + BroadcastChannel still succeeds', async ({
  page,
  faults,
}) => {
  // ClearPath is used by this test only, so the fault cannot reach another test.
  const provider = 'ClearPath Clinical Laboratories'
  await faults.add({ kind: 'coop', match: { providerId: 'clearpath-labs' } })
  await signIn(page, amy, { mode: 'broadcast' })
  const popup = await openConsentPopup(page, provider)
  // COOP cuts the opener: the popup reads closed while it is open, and the attempt waits.
  await expect(providerItem(page, provider)).toContainText(/in the other window/)
  expect(await popup.evaluate(() => window.opener)).toBeNull()
  await popup.getByRole('button', { name: 'Allow' }).click()
  await expect(lastAttempt(page)).toContainText('outcome success via broadcast', pageLoad)
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  await expect(panels(page).eventLog).toContainText('detached')
})

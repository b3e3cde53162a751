import {
  amy,
  expect,
  lastAttempt,
  openConsentPopup,
  pageLoad,
  panels,
  submitLogin,
  test,
} from './fixtures.ts'

/**
 * Runs in every page and frame before its own scripts: reports the target origin of each
 * `postMessage` the page makes, to its own window or to its opener (the hosted completion page,
 * the connection callback, the sign-in callback).
 */
function instrumentPostMessage() {
  type Report = (targetOrigin: string) => void
  const report = (args: unknown[]) => {
    const options = args[1]
    // The options form defaults to "/" (same origin).
    const target =
      typeof options === 'object' && options !== null
        ? String((options as { targetOrigin?: unknown }).targetOrigin ?? '/')
        : String(options)
    const binding = (window as unknown as { __reportPostMessage?: Report }).__reportPostMessage
    binding?.(target)
  }
  const own = window.postMessage.bind(window)
  window.postMessage = ((...args: Parameters<typeof own>) => {
    report(args)
    own(...args)
  }) as typeof window.postMessage
  const opener = window.opener as Window | null
  if (!opener) return
  const wrapped = new Proxy(opener, {
    get(target, property) {
      if (property === 'postMessage') {
        return (...args: unknown[]) => {
          report(args)
          ;(target.postMessage as (...a: unknown[]) => void)(...args)
        }
      }
      const value: unknown = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  Object.defineProperty(window, 'opener', { configurable: true, get: () => wrapped })
}

test('[SEC-3] every postMessage of the demo and the mock backend names an exact target origin', async ({
  page,
  context,
}) => {
  const calls: { url: string; target: string }[] = []
  await context.exposeBinding('__reportPostMessage', ({ frame }, target: string) => {
    calls.push({ url: frame.url(), target })
  })
  await context.addInitScript(instrumentPostMessage)

  // Popup sign-in: the callback page forwards to the opener.
  await page.goto('/?signin=popup')
  const popupEvent = page.waitForEvent('popup')
  await panels(page).signIn.getByRole('button', { name: 'Sign in' }).click()
  await submitLogin(await popupEvent, amy)
  await expect(panels(page).signIn.getByText(`Signed in as ${amy.name}.`)).toBeVisible(pageLoad)

  // Hosted page (that client key's registered return target): b.well's page posts to the opener.
  const { settings } = panels(page)
  await settings.getByRole('radio', { name: "b.well's hosted page" }).check()
  await expect(settings.getByLabel('Completion mode')).toHaveValue('hosted')
  const hosted = await openConsentPopup(page, 'Corner Drug Co.')
  await hosted.getByRole('button', { name: 'Allow' }).click()
  await expect(lastAttempt(page)).toContainText('outcome success via message', pageLoad)

  // Custom redirect (the other client key): the app's callback page posts the envelope to the
  // opener. (In Auto mode the poll channel may close the popup before the callback page has run.)
  await settings.getByRole('radio', { name: 'Custom redirect (/connect/callback)' }).check()
  await expect(page).toHaveURL(/[?&]mode=broadcast/)
  const custom = await openConsentPopup(page, 'Meridian Labs')
  await custom.getByRole('button', { name: 'Deny' }).click()
  await expect(lastAttempt(page)).toContainText('outcome cancelled via broadcast', pageLoad)

  const urls = calls.map((c) => new URL(c.url))
  expect(urls.some((u) => u.pathname === '/callback')).toBe(true)
  expect(urls.some((u) => u.pathname === '/oauth/complete')).toBe(true)
  expect(urls.some((u) => u.pathname === '/connect/callback')).toBe(true)
  for (const call of calls) {
    expect(call.target, `postMessage from ${call.url}`).not.toBe('*')
    expect(call.target, `postMessage from ${call.url}`).toMatch(/^https?:\/\/[^/]+$/)
    expect(new URL(call.target).origin).toBe(call.target)
  }
})

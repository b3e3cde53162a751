import AxeBuilder from '@axe-core/playwright'
import type { Page, TestInfo } from '@playwright/test'
import {
  amy,
  connectButton,
  expect,
  findProvider,
  lastAttempt,
  openConsentPopup,
  pageLoad,
  panels,
  providerItem,
  signIn,
  test,
} from './fixtures.ts'

/** Runs axe on the page as it is, attaches a full-page screenshot, and expects no violation. */
async function checkState(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  // Kept in test-results/ and attached to the report; looked at, never compared.
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach(`${name}.png`, { path, contentType: 'image/png' })
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  )
  expect(summary, `axe violations in "${name}"`).toEqual([])
}

test('the signed-out home page has no axe violation', async ({ page }, testInfo) => {
  await page.goto('/')
  await expect(panels(page).signIn.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await expect(
    panels(page).systemAccess.getByRole('list', { name: 'Integrations' }).getByRole('listitem'),
  ).toHaveCount(3)
  await checkState(page, testInfo, 'signed-out')
})

test('the signed-in page with the patient has no axe violation', async ({ page }, testInfo) => {
  await signIn(page, amy)
  await expect(panels(page).signIn.getByRole('definition').first()).toHaveText(amy.name)
  await checkState(page, testInfo, 'signed-in')
})

test('a successful connection and the event log have no axe violation', async ({
  page,
}, testInfo) => {
  await signIn(page, amy, { mode: 'broadcast' })
  const popup = await openConsentPopup(page, 'Coastal Cardiology Associates')
  await checkState(popup, testInfo, 'provider-consent')
  await popup.getByRole('button', { name: 'Allow' }).click()
  await expect(lastAttempt(page)).toContainText('outcome success via broadcast', pageLoad)
  await expect(panels(page).eventLog).toContainText('settled')
  await checkState(page, testInfo, 'connected')
})

test('a blocked popup with its alert has no axe violation', async ({ page }, testInfo) => {
  await page.addInitScript(() => {
    window.open = () => null
  })
  await signIn(page, amy, { mode: 'poll' })
  await (await connectButton(page, 'Sunrise Family Practice')).click()
  await expect(
    providerItem(page, 'Sunrise Family Practice').getByRole('button', {
      name: 'Continue in this tab',
    }),
  ).toBeVisible()
  await checkState(page, testInfo, 'blocked')
})

test('the callback pages have no axe violation', async ({ page }, testInfo) => {
  await page.goto('/callback?code=forged&state=forged')
  await expect(page.getByRole('alert')).toContainText('Sign-in failed', pageLoad)
  await checkState(page, testInfo, 'login-callback-error')
  await page.goto('/connect/callback')
  await expect(page.getByText('There is no connection attempt to finish here.')).toBeVisible()
  await checkState(page, testInfo, 'connect-callback-empty')
})

test('the credentials form with its error, the pager and the connections have no axe violation', async ({
  page,
}, testInfo) => {
  const provider = 'Greenleaf Rx'
  await signIn(page, amy)
  await expect(panels(page).connect.getByRole('navigation', { name: 'Result pages' })).toBeVisible(
    pageLoad,
  )
  const item = await findProvider(page, provider)
  await item.getByRole('button', { name: `Connect ${provider}` }).click()
  const form = item.getByRole('group', { name: `Sign in to ${provider}` })
  await form.getByLabel('Username').fill('greenleaf-rx.member')
  await form.getByLabel('Password').fill('not-the-password')
  await form.getByRole('button', { name: 'Connect with these credentials' }).click()
  await expect(form.getByRole('alert')).toContainText(`Could not connect ${provider}`, pageLoad)
  await expect(
    panels(page).connect.getByText(/^(Your connections|You have no connections yet\.)$/),
  ).toBeVisible(pageLoad)
  await checkState(page, testInfo, 'credentials-error')
})

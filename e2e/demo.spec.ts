import { expect, origins, panels, test } from './fixtures.ts'

test('the demo starts with every panel and no uncaught error or console error', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1, name: 'oauth-connect demo' })).toBeVisible()
  for (const region of Object.values(panels(page))) await expect(region).toBeVisible()
  // The system-access panel's requests are the last thing the first render starts.
  const list = panels(page).systemAccess.getByRole('list', { name: 'Integrations' })
  for (const name of ['b.well', 'Medblocks', 'OpesCare']) {
    await expect(list.getByRole('listitem').filter({ hasText: name })).toContainText('connected')
  }
  expect(errors).toEqual([])
})

test('the settings live in the URL, so a link reproduces the setup', async ({ page }) => {
  await page.goto('/?mode=poll&timeout=4500&signin=popup')
  const { settings } = panels(page)
  await expect(settings.getByLabel('Completion mode')).toHaveValue('poll')
  await expect(settings.getByLabel('Timeout (ms)')).toHaveValue('4500')
  await expect(settings.getByLabel('Sign in with a popup')).toBeChecked()
  await settings.getByLabel('Completion mode').selectOption({ label: 'Redirect (no popup)' })
  await expect(page).toHaveURL(/[?&]mode=redirect/)
  await settings.getByLabel('Timeout (ms)').fill('2000')
  await settings.getByLabel('Timeout (ms)').press('Enter')
  await expect(page).toHaveURL(/[?&]timeout=2000/)
  await settings.getByLabel('Sign in with a popup').uncheck()
  await expect(page).not.toHaveURL(/signin=/)
  await page.reload()
  await expect(settings.getByLabel('Completion mode')).toHaveValue('redirect')
  await expect(settings.getByLabel('Timeout (ms)')).toHaveValue('2000')
})

test('system access shows the three integrations and never a secret or a token', async ({
  page,
}) => {
  // StrictMode's double effect aborts the first request, whose body is then gone: skip those.
  const reads: Promise<string | undefined>[] = []
  page.on('response', (response) => {
    if (response.url().startsWith(`${origins.bwell}/system-access/`)) {
      reads.push(response.text().catch(() => undefined))
    }
  })
  await page.goto('/')
  const list = panels(page).systemAccess.getByRole('list', { name: 'Integrations' })
  for (const name of ['b.well', 'Medblocks', 'OpesCare']) {
    await expect(list.getByRole('listitem').filter({ hasText: name })).toContainText('connected')
  }
  const bodies = (await Promise.all(reads)).filter((body) => body !== undefined)
  expect(bodies.length).toBeGreaterThan(0)
  const seen = [...bodies, await page.content()].join('\n')
  for (const secret of [
    'bwell-backend-secret',
    'medblocks-backend-secret',
    'opescare-backend-secret',
  ]) {
    expect(seen).not.toContain(secret)
  }
  expect(seen).not.toMatch(/access_token|eyJ[A-Za-z0-9_-]{10,}\./)
})

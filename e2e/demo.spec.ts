import { expect, test } from '@playwright/test'

test('the demo loads and shows its heading', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1, name: 'oauth-connect demo' })).toBeVisible()
})

import type { Locator } from '@playwright/test'
import {
  amy,
  basicCredentials,
  connectionStatus,
  expect,
  findProvider,
  origins,
  pageLoad,
  panels,
  providerItem,
  searchFor,
  signIn,
  test,
} from './fixtures.ts'

// Lone Star Dental Insurance (BASIC) is this spec's alone: the connection it leaves behind for
// Amy changes what no other spec looks at.
const provider = 'Lone Star Dental Insurance'
const credentials = basicCredentials('lonestar-dental')

/** Opens the row's credentials form with `button`, submits the seeded credentials, waits for b.well. */
async function connectWithCredentials(item: Locator, button: Locator): Promise<void> {
  await button.click()
  const form = item.getByRole('group', { name: `Sign in to ${provider}` })
  await form.getByLabel('Username').fill(credentials.username)
  await form.getByLabel('Password').fill(credentials.password)
  await form.getByRole('button', { name: 'Connect with these credentials' }).click()
  await expect(form.getByRole('status')).toHaveText(`${provider} is connected.`, pageLoad)
}

test("a connected source is marked in the search with its connection's status, and offers Reconnect, never a second Connect", async ({
  page,
  request,
}) => {
  await signIn(page, amy)
  const item = await findProvider(page, provider)
  // Not connected yet: no mark, and a Connect.
  await expect(item).not.toContainText('In your connections')
  await expect(item).not.toHaveAttribute('aria-describedby')
  await connectWithCredentials(
    item,
    item.getByRole('button', { name: `Connect ${provider}`, exact: true }),
  )
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
  // The row the user just connected from keeps its form, which says so, and is marked too.
  await expect(item).toHaveAccessibleDescription('In your connections: Connected')

  // Searched again, the source shows as connected, with nothing to connect a second time.
  await searchFor(page, 'Harbor')
  await expect(providerItem(page, provider)).toHaveCount(0)
  await findProvider(page, provider)
  await expect(item).toHaveAccessibleDescription('In your connections: Connected')
  await expect(item).toContainText('In your connections: Connected')
  await expect(item.getByRole('button')).toHaveCount(0)

  // The provider's access runs out at b.well (the mock's test route): the row says it needs
  // attention and offers Reconnect instead.
  const expired = await request.post(`${origins.bwell}/__test__/connections/expire`, {
    data: { connectionId: 'lonestar-dental', username: amy.username },
  })
  expect(expired.ok(), await expired.text()).toBe(true)
  await panels(page).connect.getByRole('button', { name: 'Reload connections' }).click()
  await expect(item).toHaveAccessibleDescription('In your connections: Needs attention (expired)')
  await expect(item.getByRole('button')).toHaveText([`Reconnect ${provider}`])

  await connectWithCredentials(item, item.getByRole('button', { name: `Reconnect ${provider}` }))
  await expect(item).toHaveAccessibleDescription('In your connections: Connected', pageLoad)
  await expect(connectionStatus(page, provider)).toHaveText('CONNECTED')
})

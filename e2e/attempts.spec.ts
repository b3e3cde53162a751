import type { Page } from '@playwright/test'
import {
  amy,
  expect,
  lastAttempt,
  type Mode,
  origins,
  pageLoad,
  providerItem,
  searchFor,
  signIn,
  test,
} from './fixtures.ts'

/**
 * One window per attempt (SEC-35) and a callback URL registered with b.well (SEC-36), in the demo
 * against the mock backend. The demo's custom-redirect client key has `{app}/connect/callback`
 * registered: b.well sends the popup there with only `status_code` appended, nothing of the
 * attempt. Every test here decides Deny (outcome `cancelled`), which stores nothing, except the
 * last one's Allow.
 */

// The mock's faults are global and one Allow stores a connection: these tests take turns, on
// sources no other spec uses (St. Mary's, Lakeview, Marcus Lee), the Allow last.
test.describe.configure({ mode: 'serial' })

/** Clicks "Connect {name}" in an already listed row and waits for its popup's consent page. */
async function openPopupOf(page: Page, name: string): Promise<Page> {
  const popupEvent = page.waitForEvent('popup')
  await providerItem(page, name)
    .getByRole('button', { name: `Connect ${name}`, exact: true })
    .click()
  const popup = await popupEvent
  await expect(popup.getByRole('heading', { name: `Connect ${name} to b.well` })).toBeVisible(
    pageLoad,
  )
  return popup
}

/** Lists the sources whose names contain `text`, and waits for each of `names` to show. */
async function search(page: Page, text: string, names: readonly string[]): Promise<void> {
  await searchFor(page, text)
  for (const name of names) {
    await expect(
      providerItem(page, name).getByRole('button', { name: `Connect ${name}`, exact: true }),
    ).toBeVisible(pageLoad)
  }
}

test('[SEC-35] a second click on the same connection focuses its popup instead of opening another', async ({
  page,
  context,
}) => {
  const name = "Lakeview Children's Hospital"
  await signIn(page, amy, { mode: 'broadcast' })
  await search(page, 'Lakeview', [name])
  const popup = await openPopupOf(page, name)
  const pages = context.pages().length
  // The pending button ignores presses (aria-disabled); force the press through anyway.
  await providerItem(page, name)
    .getByRole('button', { name: /Connecting/ })
    .click({ force: true })
  await expect(providerItem(page, name).getByRole('button', { name: /Connecting/ })).toBeVisible()
  expect(context.pages()).toHaveLength(pages)
  await popup.getByRole('button', { name: 'Deny' }).click()
  await expect(lastAttempt(page)).toContainText('(outcome cancelled via broadcast)', pageLoad)
})

/** Each demo mode on the registered callback URL, the channel it must win by, with and without COOP. */
const registered: readonly {
  readonly mode: Mode
  readonly source: string
  readonly slug: string
  readonly plain: RegExp
  readonly coop: RegExp
}[] = [
  // Races message, broadcast, poll and closed: whichever of the callback page's message, its
  // broadcast or the opener's poll of that page comes first; under COOP the opener can neither
  // hear the message nor read the page, and the broadcast remains.
  {
    mode: 'auto',
    source: 'Marcus Lee, DO',
    slug: 'dr-marcus-lee',
    plain: /\(outcome cancelled via (message|broadcast|poll)\)/,
    coop: /\(outcome cancelled via broadcast\)/,
  },
  {
    mode: 'broadcast',
    source: 'Marcus Lee, DO',
    slug: 'dr-marcus-lee',
    plain: /\(outcome cancelled via broadcast\)/,
    coop: /\(outcome cancelled via broadcast\)/,
  },
  // Polling reads the attempt's own popup, which COOP severs from the opener: it reads closed and
  // nothing else can report, so the attempt ends as closed rather than guess.
  {
    mode: 'poll',
    source: 'Marcus Lee, DO',
    slug: 'dr-marcus-lee',
    plain: /\(outcome cancelled via poll\)/,
    coop: /\(outcome closed via closed\)/,
  },
]

for (const { mode, source, slug, plain, coop } of registered) {
  for (const withCoop of [false, true]) {
    test(`[SEC-36] a registered callback URL completes the ${mode} mode ${withCoop ? 'with' : 'without'} COOP on the provider page`, async ({
      page,
      faults,
    }) => {
      if (withCoop) await faults.add({ kind: 'coop', match: { providerId: slug } })
      await signIn(page, amy, { mode })
      await search(page, source, [source])
      const popup = await openPopupOf(page, source)
      if (withCoop) {
        expect(await popup.evaluate(() => window.opener)).toBeNull()
        // COOP dropped the window's name too: the binding rides on sessionStorage.
        expect(await popup.evaluate(() => window.name)).toBe('')
      }
      // Every address the popup commits to, as it goes (it may close before a load event).
      const visited: string[] = []
      popup.on('framenavigated', (frame) => {
        if (frame === popup.mainFrame()) visited.push(frame.url())
      })
      await popup.getByRole('button', { name: 'Deny' }).click()
      await expect(lastAttempt(page)).toContainText(withCoop ? coop : plain, pageLoad)
      if (!(withCoop && mode === 'poll')) {
        await expect
          .poll(() => visited.find((url) => url.startsWith(`${origins.app}/connect/callback`)))
          .toBeDefined()
        // Nothing of the attempt came back in the URL: b.well appends only status_code.
        const landed = new URL(
          visited.find((url) => url.startsWith(`${origins.app}/connect/callback`)) ?? '',
        )
        expect([...landed.searchParams.keys()]).toEqual(['status_code'])
      }
      if (!withCoop || mode !== 'poll') await expect.poll(() => popup.isClosed()).toBe(true)
    })
  }
}

test('[SEC-35] two popups open at once, the second clicked while the first is open, each settle their own attempt', async ({
  page,
}) => {
  const first = "St. Mary's Regional Hospital"
  const second = "Lakeview Children's Hospital"
  await signIn(page, amy, { mode: 'broadcast' })
  await search(page, 'Hospital', [first, second])
  const popupA = await openPopupOf(page, first)
  const popupB = await openPopupOf(page, second)
  expect(popupB).not.toBe(popupA)
  // Each window has its own name; B never took A's window over.
  const [nameA, nameB] = await Promise.all([
    popupA.evaluate(() => window.name),
    popupB.evaluate(() => window.name),
  ])
  expect(nameA).toMatch(/^oauth-connect-[\da-f-]{36}$/)
  expect(nameB).toMatch(/^oauth-connect-[\da-f-]{36}$/)
  expect(nameB).not.toBe(nameA)
  expect(popupA.isClosed()).toBe(false)
  await expect(popupA.getByRole('heading', { name: `Connect ${first} to b.well` })).toBeVisible()

  // The second attempt finishes first, declined: only B settles, and only as cancelled.
  await popupB.getByRole('button', { name: 'Deny' }).click()
  await expect(providerItem(page, second).getByRole('button', { name: 'Try again' })).toBeVisible(
    pageLoad,
  )
  await expect(lastAttempt(page)).toContainText('(outcome cancelled via broadcast)', pageLoad)
  await expect.poll(() => popupB.isClosed()).toBe(true)
  expect(popupA.isClosed()).toBe(false)
  await expect(
    providerItem(page, first).getByRole('button', { name: /Connecting|other window/ }),
  ).toBeVisible()

  // Then A, allowed: A succeeds, B stays cancelled.
  await popupA.getByRole('button', { name: 'Allow' }).click()
  await expect(providerItem(page, first).getByRole('button', { name: 'Connected' })).toBeVisible(
    pageLoad,
  )
  await expect(providerItem(page, second).getByRole('button', { name: 'Try again' })).toBeVisible()
  await expect(lastAttempt(page)).toContainText('(outcome success via broadcast)', pageLoad)
  await expect.poll(() => popupA.isClosed()).toBe(true)
})

import { test as base, expect, type Locator, type Page } from '@playwright/test'

/** Where the mock backend listens; the same defaults and overrides as playwright.config.ts. */
export const origins = {
  app: process.env.APP_ORIGIN ?? 'http://localhost:5173',
  bwell: process.env.MOCK_BWELL_ORIGIN ?? 'http://127.0.0.1:4000',
  portal: process.env.MOCK_PORTAL_ORIGIN ?? 'http://127.0.0.1:4001',
  medblocks: process.env.MOCK_MEDBLOCKS_ORIGIN ?? 'http://127.0.0.1:4002',
}

/**
 * For waits that span a page load (a redirect, a popup's first page): a loaded 2-core machine
 * can take longer than the default 5 s there. It only bounds the wait; nothing sleeps.
 */
export const pageLoad = { timeout: 15_000 } as const

/** A seeded Medblocks user. */
export interface User {
  readonly username: string
  readonly password: string
  readonly name: string
  readonly birthDate: string
  readonly identifier: string
}

export const amy: User = {
  username: 'amy.shaw',
  password: 'amy-password',
  name: 'Amy V. Shaw',
  birthDate: '1987-02-20',
  identifier: 'AMY-1001',
}

export const james: User = {
  username: 'james.chalmers',
  password: 'james-password',
  name: 'James Chalmers',
  birthDate: '1974-12-25',
  identifier: 'JAMES-1002',
}

/**
 * A user only e2e/bwell.spec.ts signs in as, so that the faults it arms for this user reach no
 * other test (seeded for it in apps/mock-backend/src/medblocks/users.ts).
 */
export const casey: User = {
  username: 'casey.lin',
  password: 'casey-password',
  name: 'Casey Lin',
  birthDate: '1992-06-14',
  identifier: 'CASEY-1003',
}

/** A test-mode fault, as `POST /__test__/faults` takes it (see apps/mock-backend/src/faults.ts). */
export interface FaultBody {
  readonly kind:
    | 'latency'
    | 'status'
    | 'malformedJson'
    | 'coop'
    | 'shortTokenLifetime'
    | 'expiredFlow'
    | 'getTokenRefused'
    | 'refreshRefused'
    | 'bwellTokenExpired'
  readonly target?: string
  readonly match?: Partial<
    Record<'operation' | 'providerId' | 'connectionId' | 'username' | 'clientId', string>
  >
  readonly times?: number
  readonly ms?: number
  readonly status?: number
  readonly seconds?: number
}

/** Arms faults for one test and disarms exactly those afterwards, leaving other tests' alone. */
export interface Faults {
  add(fault: FaultBody): Promise<string>
}

/** The demo's panels, found by their headings. */
export function panels(page: Page) {
  return {
    signIn: page.getByRole('region', { name: 'Sign in' }),
    connect: page.getByRole('region', { name: 'Connect a data source' }),
    settings: page.getByRole('region', { name: 'Settings' }),
    systemAccess: page.getByRole('region', { name: 'System access' }),
    eventLog: page.getByRole('region', { name: 'Event log' }),
  }
}

/** Builds the demo's query string for a setup. */
export function demoPath(settings: Record<string, string> = {}): string {
  const query = new URLSearchParams(settings).toString()
  return query ? `/?${query}` : '/'
}

/**
 * Fills the Medblocks login form in `page` (the tab or the sign-in popup) and submits it.
 */
export async function submitLogin(page: Page, user: User): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to Medblocks' })).toBeVisible(pageLoad)
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Opens the demo with `settings` and signs in by redirect; resolves once the patient shows. */
export async function signIn(
  page: Page,
  user: User = amy,
  settings: Record<string, string> = {},
): Promise<void> {
  await page.goto(demoPath(settings))
  const { signIn: region } = panels(page)
  await region.getByRole('button', { name: 'Sign in' }).click()
  await submitLogin(page, user)
  await expect(region.getByText(`Signed in as ${user.name}.`)).toBeVisible(pageLoad)
}

/** The patient card's value for a term (Name, Birth date, Identifier). */
export function patientField(page: Page, term: string): Locator {
  return panels(page)
    .signIn.getByRole('definition')
    .filter({ has: page.locator(`xpath=preceding-sibling::dt[1][normalize-space()="${term}"]`) })
}

export const test = base.extend<{ faults: Faults }>({
  faults: async ({ request }, use) => {
    const armed: string[] = []
    await use({
      async add(fault) {
        const response = await request.post(`${origins.bwell}/__test__/faults`, { data: fault })
        expect(response.status(), await response.text()).toBe(201)
        const body: unknown = await response.json()
        const id =
          typeof body === 'object' && body !== null && 'id' in body && typeof body.id === 'string'
            ? body.id
            : undefined
        if (!id) throw new Error('the fault route answered no id')
        armed.push(id)
        return id
      },
    })
    for (const id of armed) {
      await request.delete(`${origins.bwell}/__test__/faults?id=${encodeURIComponent(id)}`)
    }
  },
})

export { expect }

/** The consent buttons of the provider portal. */
export type Decision = 'Allow' | 'Deny' | 'Fail' | 'Expire' | 'Tamper'

/** The settings panel's completion modes, as they go into the URL. */
export type Mode = 'hosted' | 'poll' | 'broadcast' | 'redirect' | 'auto'

/**
 * The BASIC sources' seeded credentials: the mock accepts `{slug}.member` / `{slug}-password`
 * (apps/mock-backend/src/bwell/dataSources.ts).
 */
export function basicCredentials(slug: string): { username: string; password: string } {
  return { username: `${slug}.member`, password: `${slug}-password` }
}

/** A data source's row in the search results. */
export function providerItem(page: Page, providerName: string): Locator {
  return panels(page)
    .connect.getByRole('list', { name: 'Providers' })
    .getByRole('listitem')
    .filter({ has: page.getByText(providerName, { exact: true }) })
}

/** A data source's row in "Your connections". */
export function connectionRow(page: Page, providerName: string): Locator {
  return panels(page)
    .connect.getByRole('table', { name: 'Your connections' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: providerName, exact: true }) })
}

/** The connection's b.well `status` cell in "Your connections". */
export function connectionStatus(page: Page, providerName: string): Locator {
  return connectionRow(page, providerName).getByRole('cell').nth(0)
}

/** The connection's b.well `syncStatus` cell in "Your connections". */
export function syncStatus(page: Page, providerName: string): Locator {
  return connectionRow(page, providerName).getByRole('cell').nth(1)
}

/** The "Last attempt" line of the connect panel. */
export function lastAttempt(page: Page): Locator {
  return panels(page).connect.getByText(/^Last attempt:/)
}

/**
 * Types `text` into the search and waits until the list answers it: until then a row may still be
 * the previous list's, about to move under the pointer.
 */
export async function searchFor(page: Page, text: string): Promise<void> {
  await panels(page).connect.getByLabel('Search providers').fill(text)
  await expect(panels(page).connect.getByRole('list', { name: 'Providers' })).not.toHaveAttribute(
    'aria-busy',
    'true',
    pageLoad,
  )
}

/** Narrows the search results to one data source and returns its row. */
export async function findProvider(page: Page, providerName: string): Promise<Locator> {
  await searchFor(page, providerName)
  const item = providerItem(page, providerName)
  await expect(item).toBeVisible(pageLoad)
  return item
}

/** The main button of an OAuth source's row, once b.well has said how it connects. */
export async function connectButton(page: Page, providerName: string): Promise<Locator> {
  const item = await findProvider(page, providerName)
  const button = item.getByRole('button', { name: `Connect ${providerName}`, exact: true })
  await expect(button).toBeVisible(pageLoad)
  return button
}

/**
 * Clicks "Connect {provider}" and waits for the popup the demo opens.
 * @returns the popup, once it shows the provider portal's consent page
 */
export async function openConsentPopup(page: Page, providerName: string): Promise<Page> {
  const button = await connectButton(page, providerName)
  const popupEvent = page.waitForEvent('popup')
  await button.click()
  const popup = await popupEvent
  await expect(
    popup.getByRole('heading', { name: `Connect ${providerName} to b.well` }),
  ).toBeVisible(pageLoad)
  return popup
}

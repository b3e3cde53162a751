import type { APIRequestContext, Page } from '@playwright/test'
import {
  amy,
  casey,
  expect,
  james,
  origins,
  pageLoad,
  submitLogin,
  test,
  type User,
} from './fixtures.ts'

const fhirBase = `${origins.medblocks}/fhir`

/** The SMART panel of the demo. */
const smartPanel = (page: Page) => page.getByRole('region', { name: 'SMART App Launch' })

/**
 * Arms one of the mock's SMART faults (`smartNarrowScope`, `smartNoPatient`) for `user` and
 * returns its disarm, so a fault a test did not use never reaches another test.
 */
async function armSmartFault(
  request: APIRequestContext,
  kind: 'smartNarrowScope' | 'smartNoPatient',
  user: User,
): Promise<() => Promise<void>> {
  const response = await request.post(`${origins.bwell}/__test__/faults`, {
    data: { kind, match: { username: user.username } },
  })
  expect(response.status(), await response.text()).toBe(201)
  const { id } = (await response.json()) as { id: string }
  return async () => {
    await request.delete(`${origins.bwell}/__test__/faults?id=${encodeURIComponent(id)}`)
  }
}

/** Starts a SMART sign-in from the demo, against `base`, and signs `user` in when asked to. */
async function startSmart(page: Page, base = fhirBase, query = ''): Promise<void> {
  await page.goto(`/${query}`)
  const panel = smartPanel(page)
  await panel.getByLabel('FHIR base URL').fill(base)
  await panel.getByRole('button', { name: 'Sign in with SMART' }).click()
}

test('signs in with SMART from the FHIR base alone, shows the patient banner and the observations', async ({
  page,
}) => {
  const configuration = page.waitForResponse(`${fhirBase}/.well-known/smart-configuration`)
  const authorization = page.waitForRequest((request) =>
    request.url().startsWith(`${origins.medblocks}/oauth2/auth?`),
  )
  await startSmart(page)
  expect((await configuration).status()).toBe(200)
  const params = new URL((await authorization).url()).searchParams
  expect(params.get('aud')).toBe(fhirBase)
  expect(params.get('scope')).toBe(
    'openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs',
  )
  expect(params.get('code_challenge_method')).toBe('S256')
  await submitLogin(page, amy)
  const panel = smartPanel(page)
  await expect(panel.getByRole('status').first()).toHaveText(
    `Signed in with SMART as ${fhirBase}/Patient/amy-shaw.`,
    pageLoad,
  )
  await expect(page).toHaveURL('/')
  const banner = panel.getByRole('complementary', { name: 'Patient banner' })
  await expect(banner.getByRole('definition').first()).toHaveText(amy.name)
  await expect(banner).toContainText(amy.birthDate)
  const rows = panel.getByRole('table').getByRole('row')
  await expect(rows).toHaveCount(3)
  await expect(panel.getByRole('table')).toContainText('Heart rate')
  await expect(panel.getByRole('table')).toContainText('Body weight')
  await expect(panel.getByRole('alert')).toHaveCount(0)
  // No token went to storage a script outlives (SEC-10: memory is the default).
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toMatch(/eyJ/)
  await panel.getByRole('button', { name: 'Sign out of SMART' }).click()
  await expect(panel.getByRole('status').first()).toHaveText('Not signed in with SMART.')
  await expect(banner).toHaveCount(0)
})

test('a FHIR base the server does not serve as aud comes back as audience_rejected', async ({
  page,
}) => {
  // A trailing slash is another string: the server compares aud with its base exactly, and its
  // refusal reaches the callback before any login page.
  await startSmart(page, `${fhirBase}/`)
  await expect(page).toHaveURL(/\/smart\/callback$/, pageLoad)
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('SMART sign-in failed (audience_rejected)', pageLoad)
  await expect(alert).toContainText('invalid_target')
})

test('a narrowed scope is reported, and the resource it left out is refused', async ({
  page,
  request,
}) => {
  const disarm = await armSmartFault(request, 'smartNarrowScope', james)
  try {
    await startSmart(page)
    await submitLogin(page, james)
    const panel = smartPanel(page)
    await expect(panel.getByRole('status').first()).toHaveText(
      `Signed in with SMART as ${fhirBase}/Patient/james-chalmers.`,
      pageLoad,
    )
    await expect(panel.getByText('missing: patient/Observation.rs')).toBeVisible()
    const banner = panel.getByRole('complementary', { name: 'Patient banner' })
    await expect(banner.getByRole('definition').first()).toHaveText(james.name)
    await expect(panel.getByText(/Could not load observations: .*HTTP 403/)).toBeVisible(pageLoad)
    await expect(panel.getByRole('table')).toHaveCount(0)
  } finally {
    await disarm()
  }
})

test('a token response without patient although launch/patient was granted is refused', async ({
  page,
  request,
}) => {
  const disarm = await armSmartFault(request, 'smartNoPatient', casey)
  try {
    await startSmart(page)
    await submitLogin(page, casey)
    await expect(page.getByRole('alert')).toContainText(
      'SMART sign-in failed (launch_patient_missing)',
      pageLoad,
    )
    await page.getByRole('link', { name: 'Back to the demo' }).click()
    await expect(smartPanel(page).getByRole('status').first()).toHaveText(
      'Not signed in with SMART.',
      pageLoad,
    )
  } finally {
    await disarm()
  }
})

test('with DPoP on, SMART tokens are bound to a key and every FHIR read carries a proof', async ({
  page,
}) => {
  // The server may first answer `use_dpop_nonce`; the exchange that issues the token is a 200.
  const tokenResponse = page.waitForResponse(
    (response) =>
      response.url() === `${origins.medblocks}/oauth2/token` &&
      response.request().method() === 'POST' &&
      response.status() === 200,
  )
  const fhirReads: { authorization: string | undefined; dpop: string | undefined }[] = []
  page.on('request', (request) => {
    if (request.url().startsWith(`${fhirBase}/`) && !request.url().includes('.well-known')) {
      const headers = request.headers()
      fhirReads.push({ authorization: headers.authorization, dpop: headers.dpop })
    }
  })
  await startSmart(page, fhirBase, '?dpop=on')
  await submitLogin(page, amy)
  const token = await tokenResponse
  expect(token.request().headers().dpop).toBeTruthy()
  expect(((await token.json()) as { token_type?: string }).token_type).toBe('DPoP')
  const panel = smartPanel(page)
  await expect(panel.getByRole('status').first()).toHaveText(
    `Signed in with SMART as ${fhirBase}/Patient/amy-shaw.`,
    pageLoad,
  )
  await expect(panel.getByRole('table').getByRole('row')).toHaveCount(3)
  await expect(panel.getByRole('alert')).toHaveCount(0)
  expect(fhirReads.length).toBeGreaterThan(0)
  expect(fhirReads.every((r) => r.authorization?.startsWith('DPoP ') && r.dpop)).toBe(true)
})

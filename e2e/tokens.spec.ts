import type { BrowserContext } from '@playwright/test'
import { demoPath, expect, james, origins, panels, patientField, signIn, test } from './fixtures.ts'

/** Token-endpoint traffic of a context: grant types and the refresh tokens sent. */
function watchTokenEndpoint(context: BrowserContext) {
  const refreshTokensSent: string[] = []
  const failures: string[] = []
  let codeExchanges = 0
  context.on('request', (request) => {
    if (request.method() !== 'POST' || request.url() !== `${origins.medblocks}/oauth2/token`) return
    const body = new URLSearchParams(request.postData() ?? '')
    if (body.get('grant_type') === 'authorization_code') codeExchanges += 1
    if (body.get('grant_type') === 'refresh_token') {
      refreshTokensSent.push(body.get('refresh_token') ?? '')
    }
  })
  context.on('response', async (response) => {
    if (response.url() !== `${origins.medblocks}/oauth2/token` || response.ok()) return
    failures.push(await response.text().catch(() => String(response.status())))
  })
  return { refreshTokensSent, failures, codeExchanges: () => codeExchanges }
}

/** FHIR Patient requests of a context, with their status. */
function watchPatient(context: BrowserContext) {
  const statuses: number[] = []
  context.on('response', (response) => {
    if (
      response.url() === `${origins.medblocks}/fhir/Patient` &&
      response.request().method() === 'GET'
    ) {
      statuses.push(response.status())
    }
  })
  return statuses
}

// These tests arm faults for james.chalmers, whom no other test uses; serial, so they do not
// consume each other's faults.
test.describe('expiring tokens', () => {
  test.describe.configure({ mode: 'serial' })

  test('[SEC-13] a short-lived access token is refreshed silently and the patient shows', async ({
    page,
    context,
    faults,
  }) => {
    const tokens = watchTokenEndpoint(context)
    await faults.add({
      kind: 'shortTokenLifetime',
      match: { username: james.username },
      seconds: 5,
    })
    await signIn(page, james)
    await expect(patientField(page, 'Name')).toHaveText(james.name)
    // A 5 s token is inside the 60 s refresh margin: the client refreshed before using it.
    expect(tokens.refreshTokensSent.length).toBeGreaterThanOrEqual(1)
    expect(tokens.failures).toEqual([])
    await expect(panels(page).signIn.getByText(`Signed in as ${james.name}.`)).toBeVisible()
  })

  test('[SEC-13] a 401 invalid_token from FHIR refreshes once, retries once, and the data shows', async ({
    page,
    context,
    faults,
  }) => {
    const tokens = watchTokenEndpoint(context)
    const patient = watchPatient(context)
    await faults.add({
      kind: 'status',
      target: 'fhirPatient',
      status: 401,
      match: { username: james.username },
    })
    await signIn(page, james)
    await expect(patientField(page, 'Name')).toHaveText(james.name)
    expect(patient).toEqual([401, 200])
    expect(tokens.refreshTokensSent).toHaveLength(1)
    expect(tokens.failures).toEqual([])
  })

  test('[SEC-14] two tabs sharing a session never replay a rotated refresh token', async ({
    context,
    faults,
  }) => {
    const tokens = watchTokenEndpoint(context)
    const settings = { storage: 'session' }
    // Every token james gets now lives 5 s, inside the 60 s margin: each use needs a refresh.
    await faults.add({
      kind: 'shortTokenLifetime',
      match: { username: james.username },
      seconds: 5,
      times: 1000,
    })
    const second = await context.newPage()
    await second.goto(demoPath(settings))
    await expect(panels(second).signIn.getByText('You are signed out.')).toBeVisible()
    const first = await context.newPage()
    await signIn(first, james, settings)
    // The second tab adopts the session over the BroadcastChannel.
    await expect(panels(second).signIn.getByText(`Signed in as ${james.name}.`)).toBeVisible()
    await expect(patientField(first, 'Name')).toHaveText(james.name)
    await expect(patientField(second, 'Name')).toHaveText(james.name)
    await expect.poll(() => tokens.refreshTokensSent.length).toBeGreaterThanOrEqual(1)
    const before = tokens.refreshTokensSent.length

    // Both tabs need a refresh at once; Web Locks and the channel make them take turns, each
    // with the newest refresh token.
    const reload = (page: typeof first) =>
      panels(page).signIn.getByRole('button', { name: 'Reload the patient' }).click()
    await Promise.all([reload(first), reload(second)])
    await expect.poll(() => tokens.refreshTokensSent.length).toBeGreaterThanOrEqual(before + 2)
    for (const page of [first, second]) {
      await expect(
        panels(page).signIn.getByRole('button', { name: 'Reload the patient' }),
      ).toBeEnabled()
      await expect(patientField(page, 'Name')).toHaveText(james.name)
      await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0)
    }
    expect(new Set(tokens.refreshTokensSent).size).toBe(tokens.refreshTokensSent.length)
    expect(tokens.failures).toEqual([])
    expect(tokens.codeExchanges()).toBe(1)
  })
})

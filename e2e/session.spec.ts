import {
  amy,
  demoPath,
  expect,
  james,
  origins,
  pageLoad,
  panels,
  patientField,
  submitLogin,
  test,
} from './fixtures.ts'

test("[SEC-27] James never sees Amy's patient after she signs out, even while his loads slowly", async ({
  page,
  context,
  faults,
}) => {
  await page.goto(demoPath({ signin: 'popup' }))
  const { signIn: region } = panels(page)

  const amyPopup = page.waitForEvent('popup')
  await region.getByRole('button', { name: 'Sign in' }).click()
  await submitLogin(await amyPopup, amy)
  await expect(patientField(page, 'Identifier')).toContainText(amy.identifier, pageLoad)

  await region.getByRole('button', { name: 'Sign out' }).click()
  await expect(region.getByText('You are signed out.')).toBeVisible()
  // A fresh server session for the next user (the demo's sign-out keeps the server's own).
  await context.clearCookies({ domain: new URL(origins.medblocks).hostname })

  // From here on, record every text the sign-in panel shows, so one render with Amy's data is
  // caught (the event log elsewhere may name her; the panel must not).
  await page.evaluate(() => {
    const panel = [...document.querySelectorAll('section')].find(
      (section) => section.querySelector('h2')?.textContent === 'Sign in',
    )
    if (!panel) throw new Error('no sign-in panel')
    const seen: string[] = [panel.textContent ?? '']
    Object.assign(window, { seenTexts: seen })
    new MutationObserver(() => seen.push(panel.textContent ?? '')).observe(panel, {
      subtree: true,
      childList: true,
      characterData: true,
    })
  })
  await faults.add({
    kind: 'latency',
    target: 'fhirPatient',
    match: { username: james.username },
    ms: 3_000,
  })
  const jamesPopup = page.waitForEvent('popup')
  await region.getByRole('button', { name: 'Sign in' }).click()
  await submitLogin(await jamesPopup, james)
  await expect(region.getByText(`Signed in as ${james.name}.`)).toBeVisible(pageLoad)
  await expect(region.getByText('Loading the patient from FHIR…')).toBeVisible()
  await expect(patientField(page, 'Identifier')).toContainText(james.identifier, pageLoad)
  await expect(patientField(page, 'Name')).toHaveText(james.name)

  const seen = await page.evaluate(() => (window as unknown as { seenTexts: string[] }).seenTexts)
  // The panel went through loading to James's patient while being watched.
  expect(seen.some((text) => text.includes('Loading the patient from FHIR'))).toBe(true)
  for (const text of seen) {
    expect(text).not.toContain(amy.identifier)
    expect(text).not.toContain(amy.birthDate)
    expect(text).not.toContain(amy.name)
  }
})

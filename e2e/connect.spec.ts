import {
  connectButton,
  connectionRow,
  connectionStatus,
  type Decision,
  expect,
  lastAttempt,
  type Mode,
  openConsentPopup,
  pageLoad,
  panels,
  providerItem,
  signIn,
  syncStatus,
  test,
} from './fixtures.ts'

/** What each consent button makes the b.well callback report. */
const statusCodes: Record<Decision, string> = {
  Allow: 'success',
  Deny: 'cancelled',
  Fail: 'error',
  Expire: 'expired',
  Tamper: 'unauthorized',
}

/** The demo's own sentence for each outcome (apps/demo/src/outcomeText.ts). */
const sentences: Record<string, string> = {
  success: 'Connected.',
  cancelled: 'You cancelled the connection.',
  error: 'The connection failed.',
  expired: 'The session expired. Please try again.',
  unauthorized: 'Security check failed. Please try again.',
}

/**
 * The outcome a mode reports: b.well's hosted page only says 'status-success' or
 * 'status-failure', so every failure reads as `error` there; the custom redirect carries the code.
 */
function expectedOutcome(mode: Mode, decision: Decision): string {
  const code = statusCodes[decision]
  return mode === 'hosted' && code !== 'success' ? 'error' : code
}

/** The channels that may win in each mode. */
const channels: Record<Mode, RegExp> = {
  hosted: /^message$/,
  poll: /^poll$/,
  broadcast: /^broadcast$/,
  redirect: /^redirect$/,
  auto: /^(message|broadcast|poll)$/,
}

/**
 * The source each mode connects with Allow: b.well keeps one connection per user and source, so
 * each mode has its own. Every other decision leaves no connection behind, so they share one
 * source that nothing ever connects.
 */
const allowSources: Record<Mode, string> = {
  hosted: 'Riverside Medical Center',
  poll: 'Cedar Valley Clinic',
  broadcast: 'Elena Ruiz, MD',
  redirect: 'BlueRidge Health Plan',
  auto: 'Atlas Health Plan',
}
const neverConnected = 'Epic Sandbox Health'

/** Modes grouped by the return target (client key) they use. */
const targets: Record<'hosted page' | 'custom redirect', Mode[]> = {
  'hosted page': ['hosted'],
  'custom redirect': ['poll', 'broadcast', 'redirect', 'auto'],
}
const decisions: Decision[] = ['Allow', 'Deny', 'Fail', 'Expire', 'Tamper']

for (const [target, modes] of Object.entries(targets)) {
  for (const mode of modes) {
    test.describe(`return target ${target}, completion mode ${mode}`, () => {
      for (const decision of decisions) {
        const outcome = expectedOutcome(mode, decision)
        const provider = decision === 'Allow' ? allowSources[mode] : neverConnected
        // Polling reads a cross-origin popup (SecurityError swallowed) until the completion URL.
        const tag = mode === 'poll' ? '[SEC-4] ' : ''
        test(`${tag}${decision} at the provider ends as ${outcome}`, async ({ page }) => {
          // Redirect mode reloads the tab, so the tokens must survive it.
          await signIn(
            page,
            undefined,
            mode === 'redirect' ? { mode, storage: 'session' } : { mode },
          )
          if (mode === 'redirect') {
            await (await connectButton(page, provider)).click()
            await expect(
              page.getByRole('heading', { name: `Connect ${provider} to b.well` }),
            ).toBeVisible(pageLoad)
            await page.getByRole('button', { name: decision }).click()
            await expect(page).toHaveURL(/\/\?mode=redirect/, pageLoad)
          } else {
            const popup = await openConsentPopup(page, provider)
            await popup.getByRole('button', { name: decision }).click()
            // The button ends as "Connected" or "Try again", and explains the outcome.
            await expect(
              providerItem(page, provider).getByRole('button', {
                name: outcome === 'success' ? 'Connected' : 'Try again',
              }),
            ).toBeVisible(pageLoad)
            await expect(
              // Outcomes the user chose are announced politely; failures as alerts.
              providerItem(page, provider).getByRole(
                outcome === 'success' || outcome === 'cancelled' ? 'status' : 'alert',
              ),
            ).not.toBeEmpty()
            await expect.poll(() => popup.isClosed()).toBe(true)
          }
          await expect(lastAttempt(page)).toContainText(
            `${provider}: ${sentences[outcome]} (outcome ${outcome} via`,
            pageLoad,
          )
          const channel = await lastAttempt(page).getByRole('code').nth(1).textContent()
          expect(channel).toMatch(channels[mode])
          if (decision === 'Allow') {
            // b.well stored the connection from the provider's consent: no create step before.
            await expect(connectionStatus(page, provider)).toHaveText('CONNECTED', pageLoad)
            await expect(syncStatus(page, provider)).toHaveText(/^(PENDING|RETRIEVING|RETRIEVED)$/)
          } else {
            // The list has loaded, without this source.
            await expect(
              panels(page).connect.getByText(/^(Your connections|You have no connections yet\.)$/),
            ).toBeVisible(pageLoad)
            await expect(connectionRow(page, provider)).toHaveCount(0)
          }
        })
      }
    })
  }
}

import {
  connectionStatus,
  type Decision,
  expect,
  findProvider,
  lastAttempt,
  type Mode,
  openConsentPopup,
  pageLoad,
  providerItem,
  signIn,
  test,
} from './fixtures.ts'

const provider = 'Riverside Medical Center'

/** What each consent button makes the b.well callback report. */
const statusCodes: Record<Decision, string> = {
  Allow: 'success',
  Deny: 'cancelled',
  Fail: 'error',
  Expire: 'expired',
  Tamper: 'unauthorized',
}

/** The connection's b.well status after each button. */
const connectionStatuses: Record<Decision, RegExp> = {
  Allow: /^(RETRIEVING_DATA|DATA_RETRIEVED)$/,
  Deny: /^NEW$/,
  Fail: /^NEW$/,
  Expire: /^EXPIRED$/,
  Tamper: /^NEW$/,
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

const modes: Mode[] = ['hosted', 'poll', 'broadcast', 'redirect', 'auto']
const decisions: Decision[] = ['Allow', 'Deny', 'Fail', 'Expire', 'Tamper']

for (const mode of modes) {
  test.describe(`completion mode ${mode}`, () => {
    for (const decision of decisions) {
      const outcome = expectedOutcome(mode, decision)
      // Polling reads a cross-origin popup (SecurityError swallowed) until the completion URL.
      const tag = mode === 'poll' ? '[SEC-4] ' : ''
      test(`${tag}${decision} at the provider ends as ${outcome}`, async ({ page }) => {
        // Redirect mode reloads the tab, so the tokens must survive it.
        await signIn(page, undefined, mode === 'redirect' ? { mode, storage: 'session' } : { mode })
        if (mode === 'redirect') {
          const item = await findProvider(page, provider)
          await item.getByRole('button', { name: `Connect ${provider}` }).click()
          await expect(
            page.getByRole('heading', { name: `Connect ${provider} to b.well` }),
          ).toBeVisible(pageLoad)
          await page.getByRole('button', { name: decision }).click()
          await expect(page).toHaveURL(/\/\?mode=redirect/, pageLoad)
        } else {
          const popup = await openConsentPopup(page, provider)
          await popup.getByRole('button', { name: decision }).click()
          // The button ends as "Connected" or "Try again", and explains the outcome in its region.
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
        )
        const channel = await lastAttempt(page).getByRole('code').nth(1).textContent()
        expect(channel).toMatch(channels[mode])
        await expect(connectionStatus(page, provider)).toHaveText(connectionStatuses[decision])
      })
    }
  })
}

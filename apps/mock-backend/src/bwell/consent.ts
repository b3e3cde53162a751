import type { PortalDecision } from '../portal.ts'
import { formOf, location } from '../testSupport.ts'
import { directFetch } from './directFetch.ts'

/** Where the user's part of the OAuth flow went. */
export interface ConsentResult {
  /** The provider's consent page. */
  portalHtml: string
  /** b.well's callback, where the provider sent the browser. */
  callbackUrl: string
  /** Where b.well's callback finally sent the browser: its hosted page or the app's callback. */
  finalUrl: string
}

/**
 * Plays the user's part of b.well's OAuth flow over HTTP, as the popup would: opens the provider's
 * consent page, presses a button, follows the redirect to b.well's callback. Works under a DOM
 * test environment too (see {@link directFetch}).
 * @param redirectUrl what `getOauthUrl` returned
 * @param decision the consent page's button
 */
export async function consent(
  redirectUrl: string,
  decision: PortalDecision = 'allow',
): Promise<ConsentResult> {
  const portalHtml = await (await directFetch(redirectUrl)).text()
  const { action, fields } = formOf(portalHtml)
  const decided = await directFetch(new URL(action, redirectUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, decision }).toString(),
  })
  const callbackUrl = location(decided, redirectUrl)
  const callback = await directFetch(callbackUrl)
  return { portalHtml, callbackUrl, finalUrl: location(callback, callbackUrl) }
}

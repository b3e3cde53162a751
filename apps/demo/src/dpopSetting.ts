/** sessionStorage key of the DPoP choice (a preference, never a token or a key). */
const dpopKey = 'oauth-connect-demo:dpop'

/** The query parameter of the demo's DPoP switch: `?dpop=on`. */
export const dpopParam = 'dpop'

/**
 * Whether this page load's login client uses DPoP. The main page reads `?dpop=on`; the callback
 * page's URL carries no settings, so the main page's choice is remembered in sessionStorage.
 */
export function dpopFor(pathname: string, search: string): boolean {
  // The sign-in callback and the SMART callback: the main page decided for both.
  const callback = pathname === '/callback' || pathname === '/smart/callback'
  const fromQuery = new URLSearchParams(search).get(dpopParam) === 'on'
  try {
    if (callback) return sessionStorage.getItem(dpopKey) === 'on'
    sessionStorage.setItem(dpopKey, fromQuery ? 'on' : 'off')
  } catch {
    // No sessionStorage: the query alone decides.
  }
  return fromQuery
}

/** The main page's URL with the switch set, other settings kept. */
export function withDpop(pathname: string, search: string, on: boolean): string {
  const params = new URLSearchParams(search)
  if (on) params.set(dpopParam, 'on')
  else params.delete(dpopParam)
  const query = params.toString()
  return pathname + (query ? `?${query}` : '')
}

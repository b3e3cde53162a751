/** The parameters of an authorization response, removed from the address bar on arrival. */
const CALLBACK_PARAMS = [
  'code',
  'state',
  'iss',
  'error',
  'error_description',
  'error_uri',
  'session_state',
]

/**
 * Removes the authorization response from the address bar before anything else can leak it.
 * Returns the cleaned address when `url` was the current one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.2.4
 */
export function stripCallbackParams(url: URL): string | undefined {
  if (typeof location === 'undefined' || url.href !== location.href) return undefined
  const clean = new URL(url)
  for (const name of CALLBACK_PARAMS) clean.searchParams.delete(name)
  history.replaceState(history.state, '', clean)
  return clean.href
}

import { LoginError } from './errors.ts'
import type { Transaction } from './transaction.ts'

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

/**
 * Checks an authorization response against the attempt it answers, before anything is sent:
 * no implicit or hybrid parameters (in the query or the fragment), an attempt stored for it, and
 * its one `state`. The server's `iss` and `error` are oauth4webapi's to check.
 *
 * @throws {LoginError} `implicit_response_refused`, `missing_transaction`, `state_mismatch`
 */
export function checkCallback(
  url: URL,
  state: string | undefined,
  transaction: Transaction | undefined,
): asserts transaction is Transaction {
  const fragment = new URLSearchParams(url.hash.slice(1))
  if (
    ['id_token', 'token', 'access_token'].some(
      (name) => url.searchParams.has(name) || fragment.has(name),
    )
  ) {
    throw new LoginError(
      'implicit_response_refused',
      'unexpected "id_token", "token" or "access_token" in the callback',
    )
  }
  if (!transaction) {
    throw new LoginError('missing_transaction', 'no sign-in attempt is stored for this callback')
  }
  if (state !== transaction.state) {
    throw new LoginError('state_mismatch', 'unexpected "state" response parameter value')
  }
}

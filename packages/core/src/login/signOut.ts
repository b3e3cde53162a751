import type { AuthorizationServer } from 'oauth4webapi'
import { LoginError } from './errors.ts'
import type { LoginClientOptions, LogoutOptions } from './loginClient.ts'
import type { Session } from './session.ts'
import { parseUrlOption, withParams } from './urls.ts'

/**
 * Makes `logout()`: the local sign-out first (every tab, pending sign-ins, requests in flight),
 * then the server's side: the refresh token revoked where the server supports it (failures
 * ignored: the local session is gone either way) and, with `endSession`, the tab sent to the
 * server's `end_session_endpoint`.
 *
 * @param options the client's options: `clientId`, `postLogoutRedirectUri` (checked here, so a
 *   malformed one throws at creation)
 * @param insecure the client's `allowInsecureLoopback`
 * @param signOutLocally ends the session in this tab and the others; returns the session it ended
 * @param metadata the authorization server's metadata
 * @param revoke sends one revocation request (RFC 7009)
 * @param navigate sends the tab to a URL
 * @throws {InvalidArgumentError} for a `postLogoutRedirectUri` that is not an allowed URL
 * @see https://www.rfc-editor.org/rfc/rfc7009
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 */
export function createLogout(
  options: LoginClientOptions,
  insecure: boolean,
  signOutLocally: () => Session | undefined,
  metadata: () => Promise<AuthorizationServer>,
  revoke: (as: AuthorizationServer, refreshToken: string) => Promise<unknown>,
  navigate: (url: URL) => void,
): (options?: LogoutOptions) => Promise<void> {
  const postLogoutRedirectUri =
    options.postLogoutRedirectUri === undefined
      ? undefined
      : parseUrlOption(options.postLogoutRedirectUri, 'postLogoutRedirectUri', insecure).href
  return async ({ endSession } = {}) => {
    const previous = signOutLocally()
    const as = await metadata().catch((error: unknown) => {
      // Only a server sign-out needs the metadata; the local one is done.
      if (endSession) throw error
    })
    const refreshToken = previous?.refreshToken
    if (refreshToken && as?.revocation_endpoint) {
      // The answer does not matter, and a failure leaves the token to expire on its own.
      await revoke(as, refreshToken).catch(() => {})
    }
    if (!endSession || !as) return
    if (!as.end_session_endpoint) {
      throw new LoginError('end_session_unsupported', 'no "end_session_endpoint" advertised')
    }
    navigate(
      withParams(as.end_session_endpoint, {
        client_id: options.clientId,
        id_token_hint: previous?.idToken,
        post_logout_redirect_uri: postLogoutRedirectUri,
      }),
    )
  }
}

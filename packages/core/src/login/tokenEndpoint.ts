import { getValidatedIdTokenClaims, type TokenEndpointResponse } from 'oauth4webapi'
import * as env from './env.ts'
import { LoginError, type LoginErrorCode } from './errors.ts'
import type { RunRequest } from './requests.ts'
import type { Session, SessionContext } from './session.ts'

/**
 * Reads what a session keeps from a token response beside the tokens; throws a `LoginError` to
 * refuse the response. `previous` is what the session's last response kept (on refresh).
 */
export type TokenContext = (
  response: TokenEndpointResponse,
  previous: SessionContext | undefined,
) => SessionContext

/**
 * Turns a token endpoint response into a session; nothing is stored if it is unusable.
 *
 * @param result the response oauth4webapi processed (ID token claims already validated)
 * @param previous the session a refresh replaces: its refresh token, ID token and claims stay
 *   unless the response brings new ones
 * @param options the client's options: what their `tokenContext` throws is thrown
 * @returns the session
 * @throws {LoginError} `token_response_invalid` for a token type other than `Bearer`
 */
export function toSession(
  result: TokenEndpointResponse,
  previous: Session | undefined,
  options?: { readonly tokenContext?: TokenContext | undefined },
): Session {
  if (result.token_type !== 'bearer') {
    throw new LoginError('token_response_invalid', 'unsupported "token_type" value')
  }
  const claims = getValidatedIdTokenClaims(result)
  return {
    accessToken: result.access_token,
    expiresAt: result.expires_in === undefined ? undefined : env.now() + result.expires_in * 1000,
    // A rotated refresh token replaces the old one; without one, the old stays valid.
    refreshToken: result.refresh_token ?? previous?.refreshToken,
    idToken: result.id_token ?? previous?.idToken,
    claims: claims ? { ...claims } : previous?.claims,
    context: options?.tokenContext?.(result, previous?.context),
  }
}

/**
 * Calls the token endpoint under `run` (timeout and abort) and maps every failure to a typed
 * error: `network_error`, `timeout`, `aborted`, or what {@link oauthError} makes of the answer.
 */
export async function callTokenEndpoint(
  run: RunRequest,
  request: (signal: AbortSignal) => Promise<Response>,
  process: (response: Response) => Promise<TokenEndpointResponse>,
): Promise<TokenEndpointResponse> {
  let response: Response
  try {
    response = await run('token_endpoint', async (signal) => {
      const raw = await request(signal)
      // Buffered (under the timeout): error processing reads a clone, and some fetch
      // implementations (happy-dom) hand out clones without a body.
      return new Response(await raw.arrayBuffer(), raw)
    })
  } catch (cause) {
    if (cause instanceof LoginError) throw cause
    throw new LoginError('network_error', 'request to "token_endpoint" failed', { cause })
  }
  try {
    return await process(response)
  } catch (cause) {
    throw oauthError(cause, 'token_response_invalid')
  }
}

/**
 * Maps an oauth4webapi failure to a typed error. `invalid_grant` and `access_denied` keep their
 * own codes; any other server `error` on the callback is `authorization_failed`.
 */
export function oauthError(cause: unknown, code: LoginErrorCode, callback = false): LoginError {
  // Optional chaining reads `null` and primitives as no fields at all.
  const fields = cause as { error?: unknown; error_description?: unknown } | null | undefined
  const error = typeof fields?.error === 'string' ? fields.error : undefined
  const description =
    typeof fields?.error_description === 'string' ? fields.error_description : undefined
  return new LoginError(
    error === 'invalid_grant'
      ? 'invalid_grant'
      : error === 'access_denied'
        ? 'denied'
        : error && callback
          ? 'authorization_failed'
          : code,
    error
      ? `${callback ? 'authorization' : '"token_endpoint"'} failed with "error" ${error}`
      : cause instanceof Error
        ? cause.message
        : 'invalid response',
    { cause, error, description },
  )
}

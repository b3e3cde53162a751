import { OAuthConnectError } from '../errors.ts'

/** Every code a {@link LoginError} can carry. */
export type LoginErrorCode =
  /** The callback's `state` is missing, repeated or not the one this tab sent. */
  | 'state_mismatch'
  /** No sign-in attempt is stored for this callback (never started, already used, or expired). */
  | 'missing_transaction'
  /** The callback's `iss` is missing or names another server (RFC 9207). */
  | 'issuer_mismatch'
  /** The user or the server refused the request (`error=access_denied`). */
  | 'denied'
  /** The server answered the authorization request with another error. */
  | 'authorization_failed'
  /** The callback carries implicit or hybrid parameters (`id_token`, `token`, `access_token`). */
  | 'implicit_response_refused'
  /** The code or refresh token was refused (`invalid_grant`); a code is never retried. */
  | 'invalid_grant'
  /** The token endpoint answered with an error, a bad body or an invalid ID token. */
  | 'token_response_invalid'
  /**
   * Server metadata could not be fetched or is unusable, or its `issuer` is not the configured
   * one (the message names both).
   */
  | 'discovery_failed'
  /** A token is needed but nobody is signed in. */
  | 'not_signed_in'
  /** A network failure reaching the authorization server. */
  | 'network_error'
  /** The browser refused to open the sign-in popup. */
  | 'popup_blocked'
  /** The user closed the sign-in popup before it finished. */
  | 'popup_closed'
  /** The popup sign-in, or a request to the authorization server, did not finish in time. */
  | 'timeout'
  /**
   * The popup sign-in was cancelled through its `AbortSignal`, or sign-out or `close()` cut a
   * sign-in or request short.
   */
  | 'aborted'
  /**
   * The user signed out, or another user signed in, while this sign-in, refresh or request was
   * under way: its tokens were discarded.
   */
  | 'session_changed'
  /**
   * `logout({ endSession: true })` was asked for, but the server advertises no
   * `end_session_endpoint`: the local session is gone, the server's session is not.
   */
  | 'end_session_unsupported'
  /**
   * SMART (`@oauth-connect/core/smart`): the server's `smart-configuration` does not list `S256`
   * in `code_challenge_methods_supported`, so no sign-in is attempted.
   */
  | 'pkce_unsupported'
  /** SMART: `launch/patient` was granted, but the token response names no `patient`. */
  | 'launch_patient_missing'
  /**
   * SMART: the server refused the `aud` (the FHIR base URL) of the authorization request
   * (`invalid_target`, or `invalid_request` about `aud`); `error` and `description` say how.
   */
  | 'audience_rejected'
  /**
   * DPoP (`@oauth-connect/core/dpop`): the key pair the session's tokens are bound to is gone
   * (storage cleared, or a page without IndexedDB reloaded). Nothing is sent: refreshes and
   * resource requests fail with this code until the user signs in again (`login()`), which binds
   * a new key. There is no fallback to a bearer token.
   */
  | 'dpop_key_lost'

/**
 * A sign-in, token or sign-out failure. Branch on `code`; the underlying error stays on `cause`.
 * `error` and `description` carry the server's `error` and `error_description` as plain text,
 * to be shown with `textContent`, never as HTML.
 */
export class LoginError extends OAuthConnectError<LoginErrorCode> {
  override name = 'LoginError'
  /** The server's `error` value, when the server sent one. */
  readonly error: string | undefined
  /** The server's `error_description`, as untrusted plain text. */
  readonly description: string | undefined

  constructor(
    code: LoginErrorCode,
    message: string,
    options?: { cause?: unknown; error?: string | undefined; description?: string | undefined },
  ) {
    super(code, message, options)
    this.error = options?.error
    this.description = options?.description
  }
}

import { InvalidArgumentError, OAuthConnectError } from '../errors.ts'

/** Stable codes of {@link ConnectionError}. */
export type ConnectionErrorCode =
  /** `getRedirectUrl` (or the b.well `getOauthUrl`) failed or returned no URL. */
  | 'redirect_url_failed'
  /** The redirect URL is not absolute `https:` (or `http:` on loopback), or its host is not allowed. */
  | 'unsafe_redirect_url'
  /** The popup reported a missing, unknown or repeated `status_code`. */
  | 'invalid_status_code'
  /** The hosted completion page reported `'status-failure'` without a status code. */
  | 'provider_failure'
  /** `confirm` answered `false` (the backend does not see the connection) or threw (see `cause`). */
  | 'not_confirmed'
  /** Redirect mode could not store its attempt record in `sessionStorage`. */
  | 'storage_unavailable'

/**
 * A connection-flow failure, carried on an `error` outcome's `cause`. It is a value, never thrown
 * by `connectProvider`, so a failed connection cannot be mistaken for a programmer error.
 */
export class ConnectionError extends OAuthConnectError<ConnectionErrorCode> {
  override name = 'ConnectionError'
}

/**
 * Throws an `InvalidArgumentError` naming `field` unless `ok` holds.
 *
 * @throws {InvalidArgumentError} when `ok` is falsy
 */
export function assertArgument(ok: unknown, field: string): asserts ok {
  if (!ok) throw new InvalidArgumentError(`invalid "${field}"`)
}

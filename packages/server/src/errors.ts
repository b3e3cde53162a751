/**
 * Base class of every error this package throws for a failed operation.
 *
 * `name` is a literal on each subclass (minifiers rename constructors), and `code` is a stable
 * string to branch on. The original error, when there is one, stays on `cause`. No message or
 * property ever carries a client secret, an agent key or an access token.
 */
export class OAuthConnectError<Code extends string = string> extends Error {
  override name = 'OAuthConnectError'
  readonly code: Code

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Code of every {@link InvalidArgumentError}. */
export const INVALID_ARGUMENT = 'ERR_INVALID_ARGUMENT'

/**
 * A programmer error: an option or argument of the wrong shape. It is a `TypeError`, so it is
 * never mistaken for a runtime failure, and it carries a `code` like every other error here.
 */
export class InvalidArgumentError extends TypeError {
  override name = 'InvalidArgumentError'
  readonly code = INVALID_ARGUMENT

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Code of every {@link InsecureEndpointError}. */
export const INSECURE_ENDPOINT = 'ERR_INSECURE_ENDPOINT'

/**
 * An endpoint (configured or discovered) that is not `https:`, outside loopback. Credentials and
 * tokens must never travel in clear text across a network.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (TLS required at the token endpoint)
 */
export class InsecureEndpointError extends OAuthConnectError<typeof INSECURE_ENDPOINT> {
  override name = 'InsecureEndpointError'
  /** Which endpoint was refused, e.g. `token_endpoint`. */
  readonly field: string

  constructor(field: string, message: string) {
    super(INSECURE_ENDPOINT, message)
    this.field = field
  }
}

/** Code of every {@link DiscoveryError}. */
export const DISCOVERY_FAILED = 'ERR_DISCOVERY_FAILED'

/**
 * The authorization server metadata could not be used: a non-200 status, a body that is not a
 * JSON object, an `issuer` other than the configured one, or a missing `token_endpoint`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export class DiscoveryError extends OAuthConnectError<typeof DISCOVERY_FAILED> {
  override name = 'DiscoveryError'

  constructor(message: string, options?: { cause?: unknown }) {
    super(DISCOVERY_FAILED, message, options)
  }
}

/** Code of every {@link TokenRequestError}. */
export const TOKEN_REQUEST_FAILED = 'ERR_TOKEN_REQUEST_FAILED'

/**
 * The token request failed: the network failed, or the server answered with something other
 * than 200. `status` is the HTTP status (undefined for a network failure), and `error` /
 * `errorDescription` are the server's OAuth error fields when it sent them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class TokenRequestError extends OAuthConnectError<typeof TOKEN_REQUEST_FAILED> {
  override name = 'TokenRequestError'
  readonly status: number | undefined
  readonly error: string | undefined
  readonly errorDescription: string | undefined

  constructor(
    message: string,
    details: { status?: number; error?: string; errorDescription?: string; cause?: unknown } = {},
  ) {
    super(TOKEN_REQUEST_FAILED, message, 'cause' in details ? { cause: details.cause } : undefined)
    this.status = details.status
    this.error = details.error
    this.errorDescription = details.errorDescription
  }
}

/** Code of every {@link TokenResponseError}. */
export const INVALID_TOKEN_RESPONSE = 'ERR_INVALID_TOKEN_RESPONSE'

/**
 * A 200 token response that is not a valid access token response. `field` names the part that
 * failed (`body`, `access_token`, `token_type`, `expires_in` or `scope`). Nothing is cached.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export class TokenResponseError extends OAuthConnectError<typeof INVALID_TOKEN_RESPONSE> {
  override name = 'TokenResponseError'
  readonly field: string

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(INVALID_TOKEN_RESPONSE, message, options)
    this.field = field
  }
}

/** Code of an {@link AccessTokenError} for a token that is malformed, forged or not for us. */
export const ACCESS_TOKEN_INVALID = 'ERR_ACCESS_TOKEN_INVALID'
/** Code of an {@link AccessTokenError} for a token whose `exp` has passed. */
export const ACCESS_TOKEN_EXPIRED = 'ERR_ACCESS_TOKEN_EXPIRED'

/**
 * An access token that must be refused (answer 401 with `error="invalid_token"`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class AccessTokenError extends OAuthConnectError<
  typeof ACCESS_TOKEN_INVALID | typeof ACCESS_TOKEN_EXPIRED
> {
  override name = 'AccessTokenError'
}

/** Code of every {@link InsufficientScopeError}. */
export const INSUFFICIENT_SCOPE = 'ERR_INSUFFICIENT_SCOPE'

/**
 * A valid access token that lacks a required scope (answer 403 with
 * `error="insufficient_scope"`). `missingScopes` lists what it lacks.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class InsufficientScopeError extends OAuthConnectError<typeof INSUFFICIENT_SCOPE> {
  override name = 'InsufficientScopeError'
  readonly missingScopes: readonly string[]

  constructor(missingScopes: readonly string[]) {
    super(INSUFFICIENT_SCOPE, `access token lacks the required "scope" ${missingScopes.join(' ')}`)
    this.missingScopes = missingScopes
  }
}

/** Code of every {@link JwksError}. */
export const JWKS_UNAVAILABLE = 'ERR_JWKS_UNAVAILABLE'

/**
 * The JSON Web Key Set could not be fetched or read. The token was not judged; this is a server
 * side failure (answer 503), not a reason to blame the caller's token.
 */
export class JwksError extends OAuthConnectError<typeof JWKS_UNAVAILABLE> {
  override name = 'JwksError'

  constructor(message: string, options?: { cause?: unknown }) {
    super(JWKS_UNAVAILABLE, message, options)
  }
}

/** Narrows an unknown value to an error of this package, optionally of one code. */
export function isOAuthConnectError<Code extends string = string>(
  value: unknown,
  code?: Code,
): value is OAuthConnectError<Code> {
  return value instanceof OAuthConnectError && (code === undefined || value.code === code)
}

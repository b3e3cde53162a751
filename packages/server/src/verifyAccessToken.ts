import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose'
import { parseEndpoint } from './endpoint.ts'
import {
  ACCESS_TOKEN_EXPIRED,
  ACCESS_TOKEN_INVALID,
  AccessTokenError,
  InsufficientScopeError,
  InvalidArgumentError,
  JwksError,
} from './errors.ts'

/** After a fetch, how long an unknown `kid` is refused without fetching the JWKS again. */
export const JWKS_COOLDOWN_SECONDS = 30
/** How long a fetched JWKS is used before it is fetched again. */
export const JWKS_MAX_AGE_SECONDS = 600
/** How long a JWKS fetch may take. */
export const JWKS_TIMEOUT_SECONDS = 5

/** Options of {@link verifyAccessToken}: exactly one of `jwksUri` and `jwks`. */
export type VerifyAccessTokenOptions = {
  /** The expected `iss`, compared as an exact string. */
  issuer: string
  /** The expected `aud`: the token must name this audience (or one of these). */
  audience: string | readonly string[]
  /** Scopes the token must carry, read from `scope` (space-separated) or `scp`. */
  requiredScopes?: readonly string[]
  /**
   * Accept a token whose header has no `typ` at all (default `false`: `typ` must be `at+jwt`
   * or `application/at+jwt`). Only for an issuer that does not type its access tokens. The
   * cost: any other JWT that issuer signs with the same keys for the same audience, an ID token
   * above all, then passes as an access token. A `typ` other than `at+jwt` is still refused.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
   */
  allowMissingTyp?: boolean
} & (
  | {
      /** Where the key set is published; fetched, cached and refetched for an unknown `kid`. */
      jwksUri: string | URL
      jwks?: never
    }
  | {
      /** A key set held locally (no fetching). */
      jwks: JSONWebKeySet
      jwksUri?: never
    }
)

/**
 * The claims of a verified access token. `iss`, `aud` and `exp` have been checked; the rest are
 * typed as RFC 9068 describes them but only present when the issuer sent them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
export interface AccessTokenClaims {
  readonly iss: string
  readonly aud: string | readonly string[]
  readonly exp: number
  readonly sub?: string
  readonly client_id?: string
  readonly iat?: number
  readonly nbf?: number
  readonly jti?: string
  readonly scope?: string
  readonly scp?: string | readonly string[]
  readonly [claim: string]: unknown
}

// Keyed by URL: every call for the same JWKS shares one cache, one cooldown and one in-flight
// fetch, which is what keeps an unknown kid to one refetch per cooldown.
const remoteSets = new Map<string, JWTVerifyGetKey>()
// Keyed by the set object, and checked against its content on every call, so that a set the
// app changes in place (a key removed or added) takes effect at once.
const localSets = new WeakMap<
  JSONWebKeySet,
  { readonly json: string; readonly set: JWTVerifyGetKey }
>()

/** Whether a jose error means the key set could not be fetched or read (not a bad token). */
function isKeySetFailure(cause: unknown): boolean {
  return (
    cause instanceof errors.JWKSTimeout ||
    cause instanceof errors.JWKSInvalid ||
    !(cause instanceof errors.JOSEError) ||
    cause.code === 'ERR_JOSE_GENERIC'
  )
}

/**
 * jose's remote set cools down only after a successful fetch: a failing endpoint (5xx, timeout,
 * bad JSON) would be fetched again for every incoming token. This wrapper remembers a failure
 * for {@link JWKS_COOLDOWN_SECONDS}; meanwhile tokens are checked against the last good key set
 * when there is one, and otherwise refused with a {@link JwksError} without a fetch.
 */
function remoteKeySet(url: URL): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: JWKS_COOLDOWN_SECONDS * 1000,
    cacheMaxAge: JWKS_MAX_AGE_SECONDS * 1000,
    timeoutDuration: JWKS_TIMEOUT_SECONDS * 1000,
  })
  // The failure, and the key set last fetched before it (if any), kept for the cooldown.
  let failure:
    | { readonly at: number; readonly cause: unknown; readonly stale: JWTVerifyGetKey | undefined }
    | undefined
  return async (header, token) => {
    if (failure !== undefined && Date.now() < failure.at + JWKS_COOLDOWN_SECONDS * 1000) {
      if (failure.stale === undefined) {
        throw new JwksError('json web key set could not be fetched or read', {
          cause: failure.cause,
        })
      }
      return failure.stale(header, token)
    }
    try {
      const key = await remote(header, token)
      failure = undefined
      return key
    } catch (cause) {
      if (isKeySetFailure(cause)) {
        const known = remote.jwks()
        failure = {
          at: Date.now(),
          cause,
          stale: known === undefined ? undefined : createLocalJWKSet(known),
        }
      }
      throw cause
    }
  }
}

function keySetFor(options: VerifyAccessTokenOptions): JWTVerifyGetKey {
  const hasUri = options.jwksUri !== undefined
  const hasSet = options.jwks !== undefined
  if (hasUri === hasSet) {
    throw new InvalidArgumentError('exactly one of "jwksUri" and "jwks" must be given')
  }
  if (options.jwksUri !== undefined) {
    const url = parseEndpoint(options.jwksUri, 'jwksUri')
    let set = remoteSets.get(url.href)
    if (set === undefined) {
      set = remoteKeySet(url)
      remoteSets.set(url.href, set)
    }
    return set
  }
  const jwks = options.jwks
  if (typeof jwks !== 'object' || jwks === null) {
    throw new InvalidArgumentError('"jwks" must be a JSON Web Key Set')
  }
  const json = JSON.stringify(jwks)
  const cached = localSets.get(jwks)
  if (cached !== undefined && cached.json === json) return cached.set
  let set: JWTVerifyGetKey
  try {
    set = createLocalJWKSet(jwks)
  } catch (cause) {
    throw new InvalidArgumentError('"jwks" must be a JSON Web Key Set', { cause })
  }
  localSets.set(jwks, { json, set })
  return set
}

function assertOptions(options: VerifyAccessTokenOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('"options" must be an object')
  }
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new InvalidArgumentError('"issuer" must be a non-empty string')
  }
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    !audiences.every((a) => typeof a === 'string' && a !== '')
  ) {
    throw new InvalidArgumentError('"audience" must be a non-empty string or array of them')
  }
  if (options.allowMissingTyp !== undefined && typeof options.allowMissingTyp !== 'boolean') {
    throw new InvalidArgumentError('"allowMissingTyp" must be a boolean')
  }
  const required = options.requiredScopes
  if (
    required !== undefined &&
    (!Array.isArray(required) || !required.every((s) => typeof s === 'string' && s !== ''))
  ) {
    throw new InvalidArgumentError('"requiredScopes" must be an array of non-empty strings')
  }
}

function invalid(message: string, cause?: unknown): AccessTokenError {
  return new AccessTokenError(ACCESS_TOKEN_INVALID, message, { cause })
}

function translate(cause: unknown): Error {
  if (cause instanceof errors.JWTExpired) {
    return new AccessTokenError(ACCESS_TOKEN_EXPIRED, 'access token has expired ("exp")', {
      cause,
    })
  }
  if (cause instanceof errors.JWTClaimValidationFailed) {
    return invalid(`access token has a missing or unexpected "${cause.claim}" claim`, cause)
  }
  if (cause instanceof errors.JOSEAlgNotAllowed) {
    return invalid('access token "alg" must be RS256', cause)
  }
  if (cause instanceof errors.JWSSignatureVerificationFailed) {
    return invalid('access token signature verification failed', cause)
  }
  if (cause instanceof errors.JWKSNoMatchingKey) {
    return invalid('access token "kid" matches no key of the issuer', cause)
  }
  if (cause instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid('access token "kid" matches more than one key of the issuer', cause)
  }
  if (cause instanceof JwksError) return cause
  if (isKeySetFailure(cause)) {
    return new JwksError('json web key set could not be fetched or read', { cause })
  }
  // JWSInvalid, JWTInvalid, JOSENotSupported and the like: not a token we can accept.
  return invalid('access token is not a valid RS256 JWT', cause)
}

function isAtJwt(typ: string): boolean {
  return typ.toLowerCase().replace(/^application\//, '') === 'at+jwt'
}

function scopesOf(payload: Record<string, unknown>): Set<string> {
  const { scope, scp } = payload
  const scopes = new Set<string>()
  if (typeof scope === 'string') for (const s of scope.split(' ')) if (s !== '') scopes.add(s)
  if (typeof scp === 'string') for (const s of scp.split(' ')) if (s !== '') scopes.add(s)
  if (Array.isArray(scp)) for (const s of scp) if (typeof s === 'string') scopes.add(s)
  return scopes
}

function hasRequiredClaims(payload: Record<string, unknown>): payload is AccessTokenClaims {
  const { iss, aud, exp } = payload
  return (
    typeof iss === 'string' &&
    typeof exp === 'number' &&
    (typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string')))
  )
}

function assertClaimTypes(payload: Record<string, unknown>): asserts payload is AccessTokenClaims {
  if (!hasRequiredClaims(payload)) {
    throw invalid('access token "iss", "aud" and "exp" claims must be present and well-typed')
  }
  for (const claim of ['sub', 'client_id', 'jti', 'scope'] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw invalid(`access token "${claim}" claim must be a string`)
    }
  }
  const { scp } = payload
  if (
    scp !== undefined &&
    typeof scp !== 'string' &&
    !(Array.isArray(scp) && scp.every((s) => typeof s === 'string'))
  ) {
    throw invalid('access token "scp" claim must be a string or an array of strings')
  }
}

/**
 * Verifies a JWT access token: RS256 only (never `none`, never an HMAC keyed with the public
 * key), a valid signature from the issuer's key set, the exact `iss`, an `aud` naming us, an
 * `exp` in the future, a `typ` header of `at+jwt` (see `allowMissingTyp`), and the required
 * scopes.
 *
 * A remote key set is cached per URL for {@link JWKS_MAX_AGE_SECONDS}. A token whose `kid` is
 * not in the cache triggers one refetch (key rotation), then no other for
 * {@link JWKS_COOLDOWN_SECONDS}, so forged `kid`s cannot make us hammer the issuer.
 *
 * @param token The compact JWT (without `Bearer `).
 * @param options The key set, and what to expect.
 * @returns The token's claims.
 * @throws {AccessTokenError} `ERR_ACCESS_TOKEN_INVALID` or `ERR_ACCESS_TOKEN_EXPIRED` (answer 401).
 * @throws {InsufficientScopeError} when a required scope is missing (answer 403).
 * @throws {JwksError} when the key set cannot be fetched or read (answer 503).
 * @throws {InvalidArgumentError} for malformed options.
 * @throws {InsecureEndpointError} when `jwksUri` is `http:` off loopback.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  assertOptions(options)
  const keySet = keySetFor(options)
  if (typeof token !== 'string' || token === '') {
    throw invalid('access token must be a non-empty string')
  }
  let verified: Awaited<ReturnType<typeof jwtVerify>>
  try {
    verified = await jwtVerify(token, keySet, {
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
      requiredClaims: ['iss', 'aud', 'exp'],
    })
  } catch (cause) {
    throw translate(cause)
  }
  const { payload, protectedHeader } = verified
  const typ = protectedHeader.typ
  // RFC 9068 §4: explicit typing keeps an ID token or other JWT from passing as an access token.
  if (typ === undefined ? options.allowMissingTyp !== true : !isAtJwt(typ)) {
    throw invalid('access token "typ" header must be "at+jwt"')
  }
  assertClaimTypes(payload)
  if (options.requiredScopes !== undefined && options.requiredScopes.length > 0) {
    const granted = scopesOf(payload)
    const missing = options.requiredScopes.filter((s) => !granted.has(s))
    if (missing.length > 0) throw new InsufficientScopeError(missing)
  }
  return payload
}

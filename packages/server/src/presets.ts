import { joinBaseUrl, parseBaseUrl } from './endpoint.ts'
import { InvalidArgumentError } from './errors.ts'
import type { Secret } from './secret.ts'
import { createTokenSource, type TokenSource, type TokenSourceOptions } from './tokenSource.ts'

/**
 * Named environments a preset knows. Only `local` (this project's mock backend, see
 * CONTRACTS) is built in: the vendors' real hosts are not published in a form this package can
 * vouch for, so pass `baseUrl` for them.
 */
export type PresetEnvironment = 'local'

/** Options every preset shares with {@link createTokenSource}. */
export interface PresetCredentials {
  /** The client identifier the vendor issued. */
  clientId: string
  /** The client secret the vendor issued. */
  clientSecret: string | Secret
  /** Space-separated scopes to request. */
  scope?: string
  /** Seconds before expiry at which the token is refreshed. Default 60. */
  refreshSkewSeconds?: number
  /** The fetch to use. */
  fetch?: TokenSourceOptions['fetch']
  /** The clock, in milliseconds since the epoch. For tests. */
  now?: () => number
}

/** Either a base URL or a named {@link PresetEnvironment}. */
export type PresetLocation =
  | { baseUrl: string | URL; environment?: never }
  | { environment: PresetEnvironment; baseUrl?: never }

/** Base URLs of the `local` environment: the mock backend's default origins. */
export const LOCAL_BASE_URLS = {
  bwell: 'http://127.0.0.1:4000',
  medblocks: 'http://127.0.0.1:4002',
  opescare: 'http://127.0.0.1:4003',
} as const

function baseUrlOf(
  location: { baseUrl?: string | URL; environment?: PresetEnvironment },
  vendor: keyof typeof LOCAL_BASE_URLS,
): string | URL {
  const hasBase = location.baseUrl !== undefined
  const hasEnv = location.environment !== undefined
  if (hasBase === hasEnv) {
    throw new InvalidArgumentError('exactly one of "baseUrl" and "environment" must be given')
  }
  if (location.baseUrl !== undefined) return location.baseUrl
  if (location.environment !== 'local') {
    throw new InvalidArgumentError('"environment" must be "local"; pass "baseUrl" for other hosts')
  }
  return LOCAL_BASE_URLS[vendor]
}

function credentials(options: PresetCredentials) {
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.refreshSkewSeconds === undefined
      ? {}
      : { refreshSkewSeconds: options.refreshSkewSeconds }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.now === undefined ? {} : { now: options.now }),
  }
}

/** Options of {@link bwell}. */
export type BwellOptions = PresetCredentials &
  PresetLocation & {
    /**
     * Discover the token endpoint from `{baseUrl}/.well-known/openid-configuration`, checking
     * that the document's `issuer` is `baseUrl` (default). With `false`, use
     * `{baseUrl}/oauth2/token` directly.
     */
    discover?: boolean
  }

/**
 * b.well system access: client credentials in the form body (`client_secret_post`), the token
 * endpoint discovered from `baseUrl` as issuer (or `{baseUrl}/oauth2/token`).
 *
 * @param options Credentials, and `baseUrl` or `environment`.
 * @returns A {@link TokenSource}.
 * @throws {InvalidArgumentError} | {InsecureEndpointError} as {@link createTokenSource}.
 */
export function bwell(options: BwellOptions): TokenSource {
  const base = baseUrlOf(options, 'bwell')
  if (options.discover !== undefined && typeof options.discover !== 'boolean') {
    throw new InvalidArgumentError('"discover" must be a boolean')
  }
  if (options.discover === false) {
    return createTokenSource({
      auth: 'client_secret_post',
      tokenEndpoint: joinBaseUrl(base, '/oauth2/token'),
      ...credentials(options),
    })
  }
  const issuer = parseBaseUrl(base)
  return createTokenSource({ auth: 'client_secret_post', issuer, ...credentials(options) })
}

/** Options of {@link medblocks}. */
export type MedblocksOptions = PresetCredentials & PresetLocation

/**
 * Medblocks backend access: HTTP Basic (`client_secret_basic`) at `{baseUrl}/oauth2/token`.
 *
 * @param options Credentials, and `baseUrl` or `environment`.
 * @returns A {@link TokenSource}.
 * @throws {InvalidArgumentError} | {InsecureEndpointError} as {@link createTokenSource}.
 */
export function medblocks(options: MedblocksOptions): TokenSource {
  return createTokenSource({
    auth: 'client_secret_basic',
    tokenEndpoint: joinBaseUrl(baseUrlOf(options, 'medblocks'), '/oauth2/token'),
    ...credentials(options),
  })
}

/** Options of {@link opescare}. */
export type OpescareOptions = PresetCredentials & PresetLocation

/**
 * OpesCare Connect access: a JSON body (`json_body`) at
 * `{baseUrl}/api/v1/connect/auth/token`.
 *
 * @param options Credentials, and `baseUrl` or `environment`.
 * @returns A {@link TokenSource}.
 * @throws {InvalidArgumentError} | {InsecureEndpointError} as {@link createTokenSource}.
 */
export function opescare(options: OpescareOptions): TokenSource {
  return createTokenSource({
    auth: 'json_body',
    tokenEndpoint: joinBaseUrl(baseUrlOf(options, 'opescare'), '/api/v1/connect/auth/token'),
    ...credentials(options),
  })
}

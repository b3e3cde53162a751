import { joinBaseUrl, parseBaseUrl } from './endpoint.ts'
import { InvalidArgumentError } from './errors.ts'
import type { Secret } from './secret.ts'
import { createTokenSource, type TokenSource, type TokenSourceOptions } from './tokenSource.ts'

/**
 * The vendors' named environments. Where each fact comes from (the vendors' own documents, as
 * quoted in this project's issue 18, "Presets that know the vendors"):
 * - b.well's sandbox and production FHIR servers are `https://fhir.client-sandbox.icanbwell.com`
 *   and `https://fhir.icanbwell.com`, with the token endpoint at `{base}/oauth2/token`; its
 *   production issuer, for discovery, is the Amazon Cognito user pool
 *   `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_e4iVm1J4X`. No issuer is published
 *   for the sandbox, so it uses the token endpoint directly.
 * - Medblocks' server is `https://dev.medblocks.com`, token endpoint `/oauth2/token`.
 * - OpesCare's documents name only a placeholder host (`opescare.test`): pass `baseUrl`.
 * - `local` is this project's mock backend (its default origins, see the mock's CONTRACTS).
 */
export const VENDOR_ENVIRONMENTS = {
  bwell: {
    local: { baseUrl: 'http://127.0.0.1:4000', issuer: 'http://127.0.0.1:4000/' },
    sandbox: { baseUrl: 'https://fhir.client-sandbox.icanbwell.com', issuer: undefined },
    production: {
      baseUrl: 'https://fhir.icanbwell.com',
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_e4iVm1J4X',
    },
  },
  medblocks: {
    local: { baseUrl: 'http://127.0.0.1:4002' },
    dev: { baseUrl: 'https://dev.medblocks.com' },
  },
  opescare: {
    local: { baseUrl: 'http://127.0.0.1:4003' },
  },
} as const

/** b.well's named environments. */
export type BwellEnvironment = keyof typeof VENDOR_ENVIRONMENTS.bwell
/** Medblocks' named environments. */
export type MedblocksEnvironment = keyof typeof VENDOR_ENVIRONMENTS.medblocks
/** OpesCare's named environments (only the local mock: its real hosts are not published). */
export type OpescareEnvironment = keyof typeof VENDOR_ENVIRONMENTS.opescare
/** Every named environment of some preset. */
export type PresetEnvironment = BwellEnvironment | MedblocksEnvironment | OpescareEnvironment

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
  /** Where the token and the refresh lock live; see {@link TokenSourceOptions.store}. */
  store?: TokenSourceOptions['store']
}

/** Either a base URL or one of the vendor's named environments. */
export type PresetLocation<Environment extends string = PresetEnvironment> =
  | { baseUrl: string | URL; environment?: never }
  | { environment: Environment; baseUrl?: never }

/** Base URLs of the `local` environment: the mock backend's default origins. */
export const LOCAL_BASE_URLS = {
  bwell: VENDOR_ENVIRONMENTS.bwell.local.baseUrl,
  medblocks: VENDOR_ENVIRONMENTS.medblocks.local.baseUrl,
  opescare: VENDOR_ENVIRONMENTS.opescare.local.baseUrl,
} as const

/** What a named environment tells: its base URL and, where one is published, its issuer. */
interface EnvironmentFacts {
  readonly baseUrl: string
  readonly issuer?: string | undefined
}

function environmentOf(
  location: { baseUrl?: string | URL; environment?: string },
  vendor: keyof typeof VENDOR_ENVIRONMENTS,
): { baseUrl: string | URL; facts: EnvironmentFacts | undefined } {
  const hasBase = location.baseUrl !== undefined
  const hasEnv = location.environment !== undefined
  if (hasBase === hasEnv) {
    throw new InvalidArgumentError('exactly one of "baseUrl" and "environment" must be given')
  }
  if (location.baseUrl !== undefined) return { baseUrl: location.baseUrl, facts: undefined }
  const environments: Readonly<Record<string, EnvironmentFacts>> = VENDOR_ENVIRONMENTS[vendor]
  const name = location.environment
  const facts =
    typeof name === 'string' && Object.hasOwn(environments, name) ? environments[name] : undefined
  if (facts === undefined) {
    const names = Object.keys(environments).map((n) => `"${n}"`)
    throw new InvalidArgumentError(
      `"environment" must be ${names.join(' or ')}; pass "baseUrl" for other hosts`,
    )
  }
  return { baseUrl: facts.baseUrl, facts }
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
    ...(options.store === undefined ? {} : { store: options.store }),
  }
}

/** Options of {@link bwell}. */
export type BwellOptions = PresetCredentials &
  PresetLocation<BwellEnvironment> & {
    /**
     * Discover the token endpoint, checking that the discovery document's `issuer` is the
     * expected one: `baseUrl` itself, or the environment's issuer (production: b.well's Cognito
     * user pool). Default: `true`, except for `sandbox`, which has no published issuer. With
     * `false`, use `{baseUrl}/oauth2/token` directly.
     */
    discover?: boolean
  }

/**
 * b.well system access: client credentials in the form body (`client_secret_post`), the token
 * endpoint discovered from the issuer (`baseUrl`, or the environment's), or
 * `{baseUrl}/oauth2/token`.
 *
 * @param options Credentials, and `baseUrl` or `environment` (`local`, `sandbox`, `production`).
 * @returns A {@link TokenSource}.
 * @throws {InvalidArgumentError} | {InsecureEndpointError} as {@link createTokenSource}.
 */
export function bwell(options: BwellOptions): TokenSource {
  const { baseUrl, facts } = environmentOf(options, 'bwell')
  if (options.discover !== undefined && typeof options.discover !== 'boolean') {
    throw new InvalidArgumentError('"discover" must be a boolean')
  }
  const issuer = facts === undefined ? parseBaseUrl(baseUrl) : facts.issuer
  if (options.discover === true && issuer === undefined) {
    throw new InvalidArgumentError(
      `"discover" is not available for the "${options.environment}" environment: b.well publishes no issuer for it`,
    )
  }
  if (options.discover === false || issuer === undefined) {
    return createTokenSource({
      auth: 'client_secret_post',
      tokenEndpoint: joinBaseUrl(baseUrl, '/oauth2/token'),
      ...credentials(options),
    })
  }
  return createTokenSource({ auth: 'client_secret_post', issuer, ...credentials(options) })
}

/** Options of {@link medblocks}. */
export type MedblocksOptions = PresetCredentials & PresetLocation<MedblocksEnvironment>

/**
 * Medblocks backend access: HTTP Basic (`client_secret_basic`) at `{baseUrl}/oauth2/token`.
 *
 * @param options Credentials, and `baseUrl` or `environment` (`local`, `dev`).
 * @returns A {@link TokenSource}.
 * @throws {InvalidArgumentError} | {InsecureEndpointError} as {@link createTokenSource}.
 */
export function medblocks(options: MedblocksOptions): TokenSource {
  return createTokenSource({
    auth: 'client_secret_basic',
    tokenEndpoint: joinBaseUrl(environmentOf(options, 'medblocks').baseUrl, '/oauth2/token'),
    ...credentials(options),
  })
}

/** Options of {@link opescare}. */
export type OpescareOptions = PresetCredentials & PresetLocation<OpescareEnvironment>

/**
 * OpesCare Connect access: a JSON body (`json_body`) at
 * `{baseUrl}/api/v1/connect/auth/token`.
 *
 * @param options Credentials, and `baseUrl` or `environment` (`local` only: OpesCare's
 *   documents name a placeholder host).
 * @returns A {@link TokenSource}.
 * @throws {InvalidArgumentError} | {InsecureEndpointError} as {@link createTokenSource}.
 */
export function opescare(options: OpescareOptions): TokenSource {
  return createTokenSource({
    auth: 'json_body',
    tokenEndpoint: joinBaseUrl(
      environmentOf(options, 'opescare').baseUrl,
      '/api/v1/connect/auth/token',
    ),
    ...credentials(options),
  })
}

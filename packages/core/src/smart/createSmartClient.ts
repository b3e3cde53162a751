import { createLoginClient } from '../login/createLoginClient.ts'
import { LoginError } from '../login/errors.ts'
import type { AuthSnapshot, LoginClient, LoginClientOptions } from '../login/loginClient.ts'
import type { DiscoveredServer } from '../login/server.ts'
import { parseUrlOption } from '../login/urls.ts'
import {
  fetchSmartConfiguration,
  type SmartConfiguration,
  toAuthorizationServer,
} from './configuration.ts'
import {
  type LaunchContext,
  launchContext,
  type ScopesNarrowed,
  smartTokenContext,
} from './launchContext.ts'

/** Options of {@link createSmartClient}: the login client's, with the scope made from these. */
export interface SmartClientOptions
  extends Omit<LoginClientOptions, 'scope' | 'authorizationParams' | 'tokenContext'> {
  /**
   * Origins that receive the bearer token from `fetch`. Default: the FHIR base's origin only.
   */
  readonly resourceOrigins?: readonly string[] | undefined
  /**
   * SMART v2 resource scopes to ask for. Default `['patient/*.rs']` (read and search every
   * resource type of the launch patient).
   */
  readonly scopes?: readonly string[] | undefined
  /** Also ask for `offline_access` (a refresh token that outlives the server session). */
  readonly offlineAccess?: boolean | undefined
  /**
   * Called when a token response grants less than was asked (the same report is in the launch
   * context's `missingScopes`). The sign-in goes on: the app decides what it can still show.
   */
  readonly onScopesNarrowed?: ((report: ScopesNarrowed) => void) | undefined
}

/** A login client for a SMART on FHIR server, with the launch context of its session. */
export interface SmartClient extends LoginClient {
  /** The FHIR base URL: the `aud` of every authorization request. */
  readonly fhirBase: string
  /** The scope every authorization request asks for. */
  readonly scope: string
  /** The launch context of the signed-in session; `undefined` when signed out. */
  getLaunchContext(): LaunchContext | undefined
  /** The server's checked `smart-configuration`, once a sign-in has read it. */
  getSmartConfiguration(): SmartConfiguration | undefined
}

/** The scope of a standalone patient launch: `openid fhirUser launch/patient` and the resource scopes. */
export function smartScope(
  scopes: readonly string[] = ['patient/*.rs'],
  offlineAccess = false,
): string {
  return [
    'openid',
    'fhirUser',
    'launch/patient',
    ...scopes,
    ...(offlineAccess ? ['offline_access'] : []),
  ].join(' ')
}

/**
 * The login client's server for a FHIR base URL: discovery reads
 * `{fhirBase}/.well-known/smart-configuration` (checked field by field, `S256` required).
 *
 * @param onConfiguration receives each configuration discovery checked
 */
export function smartServer(
  fhirBase: string,
  onConfiguration?: (configuration: SmartConfiguration) => void,
): DiscoveredServer {
  return {
    issuer: fhirBase,
    async discover(url, insecure, run) {
      const configuration = await fetchSmartConfiguration(url, insecure, run)
      onConfiguration?.(configuration)
      return toAuthorizationServer(configuration)
    },
  }
}

/**
 * A server's refusal of `aud` as its own code, so an app can tell "wrong FHIR base URL" from
 * other authorization errors. The same error object maps to the same result.
 */
function audienceError(
  error: unknown,
  fhirBase: string,
  seen: WeakMap<object, LoginError>,
): unknown {
  if (!(error instanceof LoginError) || error.code !== 'authorization_failed') return error
  if (
    error.error !== 'invalid_target' &&
    !(error.error === 'invalid_request' && /\baud\b/.test(error.description ?? ''))
  ) {
    return error
  }
  let mapped = seen.get(error)
  if (!mapped) {
    mapped = new LoginError(
      'audience_rejected',
      `authorization failed with "error" ${error.error}: "aud" ${fhirBase} refused`,
      { cause: error, error: error.error, description: error.description },
    )
    seen.set(error, mapped)
  }
  return mapped
}

/**
 * Creates a sign-in client for a SMART App Launch (v2) standalone patient launch, given only the
 * FHIR base URL: discovery from `{fhirBase}/.well-known/smart-configuration`, then Authorization
 * Code with PKCE (S256) and `aud={fhirBase}`, `launch/patient`, `openid fhirUser` and the
 * resource scopes. Everything else (state, the exactly-once callback, refresh, timeouts,
 * discarded late answers) is the login client's.
 *
 * @param fhirBase the FHIR server's base URL, e.g. `https://fhir.example.org/r4`
 * @param options the login client's options, with `scopes` and `offlineAccess` for the scope
 * @returns a {@link SmartClient}
 * @throws {InvalidArgumentError} for a malformed option or an `http:` URL outside loopback
 * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-standalone-launch
 */
export function createSmartClient(fhirBase: string, options: SmartClientOptions): SmartClient {
  // Kept as given: the server compares `aud` with its base URL as a string.
  const url = parseUrlOption(fhirBase, 'fhirBase', options.allowInsecureLoopback === true)
  const { scopes, offlineAccess, onScopesNarrowed, ...loginOptions } = options
  const scope = smartScope(scopes, offlineAccess)
  let configuration: SmartConfiguration | undefined
  const client = createLoginClient(
    smartServer(fhirBase, (found) => {
      configuration = found
    }),
    {
      ...loginOptions,
      // The FHIR server is the resource server: its origin gets the bearer unless told otherwise.
      resourceOrigins: loginOptions.resourceOrigins ?? [url.origin],
      scope,
      authorizationParams: { aud: fhirBase },
      tokenContext: smartTokenContext(scope, onScopesNarrowed),
    },
  )
  const seen = new WeakMap<object, LoginError>()
  const map = <T>(promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      throw audienceError(error, fhirBase, seen)
    })
  let base: AuthSnapshot | undefined
  let snapshot: AuthSnapshot | undefined
  const getSnapshot = (): AuthSnapshot => {
    const current = client.getSnapshot()
    if (current !== base || !snapshot) {
      base = current
      const error = audienceError(current.error, fhirBase, seen) as LoginError | undefined
      snapshot = error === current.error ? current : { ...current, error }
    }
    return snapshot
  }
  return {
    ...client,
    fhirBase,
    scope,
    login: (loginOptions) => map(client.login(loginOptions)),
    handleCallback: (url) => map(client.handleCallback(url)),
    getSnapshot,
    getLaunchContext: () => launchContext(getSnapshot()),
    getSmartConfiguration: () => configuration,
  }
}

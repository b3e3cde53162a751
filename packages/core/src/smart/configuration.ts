import type { AuthorizationServer } from 'oauth4webapi'
import { LoginError } from '../login/errors.ts'
import type { RunRequest } from '../login/requests.ts'
import { isAllowedUrl } from '../login/urls.ts'

/**
 * The fields of a FHIR server's `.well-known/smart-configuration` this toolkit reads, each checked
 * for its type. Other fields stay on the metadata the login client uses, unread.
 *
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html
 */
export interface SmartConfiguration {
  /** The authorization server's issuer: what the ID token's `iss` must be. */
  readonly issuer: string | undefined
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  readonly revocationEndpoint: string | undefined
  /** SMART capabilities, such as `launch-standalone`, `context-standalone-patient`, `permission-v2`. */
  readonly capabilities: readonly string[]
  /** Always holds `S256`: a configuration without it is refused with `pkce_unsupported`. */
  readonly codeChallengeMethods: readonly string[]
  /** Scopes the server says it supports, when it says. */
  readonly scopesSupported: readonly string[] | undefined
  readonly grantTypesSupported: readonly string[] | undefined
}

type Fields = Readonly<Record<string, unknown>>

const isStringArray = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')

const invalid = (message: string) => new LoginError('discovery_failed', message)

/**
 * Checks an untrusted `smart-configuration` document field by field.
 *
 * @param json the parsed body
 * @param allowInsecureLoopback whether `http:` endpoints on loopback hosts are allowed
 * @returns the typed configuration
 * @throws {LoginError} `pkce_unsupported` without `S256` in `code_challenge_methods_supported`;
 *   `discovery_failed` for any other missing or mistyped field, or an endpoint that is not an
 *   allowed URL
 */
export function parseSmartConfiguration(
  json: unknown,
  allowInsecureLoopback: boolean,
): SmartConfiguration {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid('"smart-configuration" is not a JSON object')
  }
  const fields = json as Fields
  const url = (name: string, required: boolean): string | undefined => {
    const value = fields[name]
    if (value === undefined && !required) return undefined
    if (
      typeof value !== 'string' ||
      !URL.canParse(value) ||
      !isAllowedUrl(new URL(value), allowInsecureLoopback)
    ) {
      throw invalid(`"${name}" is missing or not an allowed URL`)
    }
    return value
  }
  const strings = (name: string, required: boolean): readonly string[] | undefined => {
    const value = fields[name]
    if (value === undefined && !required) return undefined
    if (!isStringArray(value)) throw invalid(`"${name}" must be an array of strings`)
    return value
  }
  const issuer = fields.issuer
  if (issuer !== undefined && (typeof issuer !== 'string' || !URL.canParse(issuer))) {
    throw invalid('"issuer" must be a URL')
  }
  const authorizationEndpoint = url('authorization_endpoint', true) ?? ''
  const tokenEndpoint = url('token_endpoint', true) ?? ''
  const revocationEndpoint = url('revocation_endpoint', false)
  const capabilities = strings('capabilities', true) ?? []
  const methods = fields.code_challenge_methods_supported
  if (!isStringArray(methods) || !methods.includes('S256')) {
    throw new LoginError(
      'pkce_unsupported',
      '"code_challenge_methods_supported" does not list S256',
    )
  }
  return {
    issuer,
    authorizationEndpoint,
    tokenEndpoint,
    revocationEndpoint,
    capabilities,
    codeChallengeMethods: methods,
    scopesSupported: strings('scopes_supported', false),
    grantTypesSupported: strings('grant_types_supported', false),
  }
}

/** The login client's metadata for a checked SMART configuration. */
export function toAuthorizationServer(configuration: SmartConfiguration): AuthorizationServer {
  return {
    // Without `issuer` (a server without OpenID sign-on), the token endpoint's origin stands in,
    // as for fixed endpoints.
    issuer: configuration.issuer ?? new URL(configuration.tokenEndpoint).origin,
    authorization_endpoint: configuration.authorizationEndpoint,
    token_endpoint: configuration.tokenEndpoint,
    ...(configuration.revocationEndpoint === undefined
      ? {}
      : { revocation_endpoint: configuration.revocationEndpoint }),
    code_challenge_methods_supported: [...configuration.codeChallengeMethods],
  }
}

/**
 * GETs `{fhirBase}/.well-known/smart-configuration` under the client's timeout and abort path.
 *
 * @param fhirBase the FHIR base URL (already checked against the https:/loopback rule)
 * @throws {LoginError} `discovery_failed`, `pkce_unsupported`, `timeout`, `aborted`
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#using-well-known
 */
export async function fetchSmartConfiguration(
  fhirBase: URL,
  allowInsecureLoopback: boolean,
  run: RunRequest,
): Promise<SmartConfiguration> {
  const url = `${fhirBase.href.replace(/\/+$/, '')}/.well-known/smart-configuration`
  return run('smart-configuration', async (signal) => {
    let json: unknown
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal,
      })
      if (response.status !== 200) {
        throw invalid(`"smart-configuration" answered HTTP ${response.status}`)
      }
      json = await response.json()
    } catch (cause) {
      if (cause instanceof LoginError || signal.aborted) throw cause
      throw new LoginError('discovery_failed', `"smart-configuration" failed at ${url}`, { cause })
    }
    return parseSmartConfiguration(json, allowInsecureLoopback)
  })
}

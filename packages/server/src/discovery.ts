import * as oauth from 'oauth4webapi'
import { assertSecureEndpoint, isLoopback } from './endpoint.ts'
import { DiscoveryError } from './errors.ts'

/** How long any request to an authorization server may take before it is aborted. */
export const REQUEST_TIMEOUT_MS = 30_000

/** The fetch signature this package calls; the global `fetch` fits it. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * Adapts oauth4webapi's custom fetch call to a plain fetch (its `body` may be `undefined`,
 * which `RequestInit` under exactOptionalPropertyTypes does not accept).
 */
export function oauthFetch(
  fetchImpl: FetchLike,
): (
  url: string,
  options: oauth.CustomFetchOptions<string, URLSearchParams | undefined>,
) => Promise<Response> {
  return (url, options) =>
    fetchImpl(url, {
      method: options.method,
      headers: options.headers,
      redirect: options.redirect,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
}

/** The parts of the authorization server metadata a token source needs. */
export interface DiscoveredServer {
  readonly issuer: string
  readonly tokenEndpoint: URL
}

/**
 * Reads `{issuer}/.well-known/openid-configuration` and checks it: status 200, a JSON object,
 * an `issuer` identical to the configured one, and a secure `token_endpoint`.
 *
 * @param issuer The configured issuer identifier (already checked for https or loopback).
 * @param fetchImpl The fetch to use.
 * @returns The issuer and its token endpoint.
 * @throws {DiscoveryError} for a failed request or a document that fails a check.
 * @throws {InsecureEndpointError} when the document's `token_endpoint` is not secure.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export async function discover(issuer: URL, fetchImpl: FetchLike): Promise<DiscoveredServer> {
  let response: Response
  try {
    response = await oauth.discoveryRequest(issuer, {
      [oauth.customFetch]: oauthFetch(fetchImpl),
      [oauth.allowInsecureRequests]: issuer.protocol === 'http:' && isLoopback(issuer),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
  } catch (cause) {
    throw new DiscoveryError('discovery request failed', { cause })
  }
  if (response.status !== 200) {
    await response.body?.cancel()
    throw new DiscoveryError(`discovery answered HTTP ${response.status}, expected 200`)
  }
  let metadata: oauth.AuthorizationServer
  try {
    metadata = await oauth.processDiscoveryResponse(issuer, response)
  } catch (cause) {
    throw new DiscoveryError(discoveryMessage(cause), { cause })
  }
  const tokenEndpoint = metadata.token_endpoint
  if (typeof tokenEndpoint !== 'string' || !URL.canParse(tokenEndpoint)) {
    throw new DiscoveryError('discovery "token_endpoint" must be an absolute URL')
  }
  const url = new URL(tokenEndpoint)
  assertSecureEndpoint(url, 'token_endpoint')
  return { issuer: metadata.issuer, tokenEndpoint: url }
}

function discoveryMessage(cause: unknown): string {
  if (cause instanceof oauth.OperationProcessingError) {
    switch (cause.code) {
      case oauth.JSON_ATTRIBUTE_COMPARISON:
        return 'discovery "issuer" does not match the configured issuer'
      case oauth.PARSE_ERROR:
      case oauth.RESPONSE_IS_NOT_JSON:
        return 'discovery "body" is not valid JSON'
      case oauth.INVALID_RESPONSE:
        return 'discovery "body" must be a JSON object with a string "issuer"'
    }
  }
  return 'discovery document is not valid authorization server metadata'
}

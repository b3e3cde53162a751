import {
  type AuthorizationServer,
  allowInsecureRequests,
  discoveryRequest,
  processDiscoveryResponse,
} from 'oauth4webapi'
import { LoginError } from './errors.ts'
import { isAllowedUrl, parseUrlOption } from './urls.ts'

/** An authorization server found through discovery from its issuer identifier. */
export interface DiscoveredServer {
  /** The issuer identifier; `/.well-known/openid-configuration` is tried first, then `oauth-authorization-server`. */
  readonly issuer: string
}

/** An authorization server with fixed endpoints (Medblocks: `/oauth2/auth`, `/oauth2/token`). */
export interface ExplicitServer {
  /** Needed to check the ID token's `iss` and the callback's `iss`; defaults to the token endpoint's origin. */
  readonly issuer?: string
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  /** Where `logout()` revokes the refresh token (RFC 7009). */
  readonly revocationEndpoint?: string
  /** Where `logout({ redirect: true })` ends the server session (OpenID RP-Initiated Logout). */
  readonly endSessionEndpoint?: string
}

/** The authorization server of a login client. */
export type LoginServer = DiscoveredServer | ExplicitServer

/** oauth4webapi's per-request option that allows http:, passed only for opted-in loopback use. */
export type RequestOptions = { [allowInsecureRequests]?: boolean }

const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
] as const

/**
 * Checks the server option up front, and returns a function that resolves the metadata once
 * (retrying after a failure, which is never cached).
 */
export function serverMetadata(
  server: LoginServer,
  insecure: boolean,
  options: RequestOptions,
): () => Promise<AuthorizationServer> {
  if ('authorizationEndpoint' in server) {
    const tokenEndpoint = parseUrlOption(server.tokenEndpoint, 'tokenEndpoint', insecure)
    if (server.issuer !== undefined) parseUrlOption(server.issuer, 'issuer', insecure)
    const metadata: AuthorizationServer = {
      // Kept exactly as given: `iss` values are compared as strings.
      issuer: server.issuer ?? tokenEndpoint.origin,
      authorization_endpoint: parseUrlOption(
        server.authorizationEndpoint,
        'authorizationEndpoint',
        insecure,
      ).href,
      token_endpoint: tokenEndpoint.href,
      ...(server.revocationEndpoint === undefined
        ? {}
        : {
            revocation_endpoint: parseUrlOption(
              server.revocationEndpoint,
              'revocationEndpoint',
              insecure,
            ).href,
          }),
      ...(server.endSessionEndpoint === undefined
        ? {}
        : {
            end_session_endpoint: parseUrlOption(
              server.endSessionEndpoint,
              'endSessionEndpoint',
              insecure,
            ).href,
          }),
    }
    return () => Promise.resolve(metadata)
  }
  const issuer = parseUrlOption(server.issuer, 'issuer', insecure)
  let pending: Promise<AuthorizationServer> | undefined
  return () => {
    pending ??= discover(issuer, insecure, options).catch((cause: unknown) => {
      pending = undefined
      throw new LoginError('discovery_failed', `discovery failed for "issuer" ${issuer.href}`, {
        cause,
      })
    })
    return pending
  }
}

async function discover(
  issuer: URL,
  insecure: boolean,
  options: RequestOptions,
): Promise<AuthorizationServer> {
  let metadata: AuthorizationServer
  try {
    metadata = await processDiscoveryResponse(issuer, await discoveryRequest(issuer, options))
  } catch {
    metadata = await processDiscoveryResponse(
      issuer,
      await discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }),
    )
  }
  for (const field of ENDPOINTS) {
    const value = metadata[field]
    if (
      (value !== undefined || field === 'authorization_endpoint' || field === 'token_endpoint') &&
      !(typeof value === 'string' && URL.canParse(value) && isAllowedUrl(new URL(value), insecure))
    ) {
      throw new TypeError(`"${field}" is missing or not an allowed URL`)
    }
  }
  return metadata
}

import {
  type AuthorizationServer,
  type allowInsecureRequests,
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

/** Each explicit option and the metadata field it fills; the first two are required. */
const ENDPOINTS = [
  ['authorizationEndpoint', 'authorization_endpoint'],
  ['tokenEndpoint', 'token_endpoint'],
  ['revocationEndpoint', 'revocation_endpoint'],
  ['endSessionEndpoint', 'end_session_endpoint'],
] as const

/**
 * Checks the server option up front, and returns a function that resolves the metadata once
 * (retrying after a failure, which is never cached).
 */
export function serverMetadata(
  server: LoginServer,
  insecure: boolean,
): () => Promise<AuthorizationServer> {
  if ('authorizationEndpoint' in server) {
    const metadata: Record<string, string> = {}
    for (const [index, [option, field]] of ENDPOINTS.entries()) {
      const value = server[option]
      if (value !== undefined || index < 2) {
        metadata[field] = parseUrlOption(value, option, insecure).href
      }
    }
    if (server.issuer !== undefined) parseUrlOption(server.issuer, 'issuer', insecure)
    // Kept exactly as given: `iss` values are compared as strings.
    metadata.issuer = server.issuer ?? new URL(metadata.token_endpoint ?? '').origin
    return () => Promise.resolve(metadata as unknown as AuthorizationServer)
  }
  const issuer = parseUrlOption(server.issuer, 'issuer', insecure)
  let pending: Promise<AuthorizationServer> | undefined
  return () => {
    pending ??= discover(issuer, insecure).catch((cause: unknown) => {
      pending = undefined
      throw new LoginError('discovery_failed', `discovery failed for "issuer" ${issuer.href}`, {
        cause,
      })
    })
    return pending
  }
}

async function discover(issuer: URL, insecure: boolean): Promise<AuthorizationServer> {
  // A plain GET (the issuer already passed the https:/loopback rule); oauth4webapi validates the
  // document, including that its `issuer` is exactly the configured one.
  const get = async (path: string) =>
    processDiscoveryResponse(
      issuer,
      await fetch(new URL(path, issuer), {
        headers: { accept: 'application/json' },
        redirect: 'manual',
      }),
    )
  const path = issuer.pathname.replace(/\/$/, '')
  let metadata: AuthorizationServer
  try {
    metadata = await get(`${path}/.well-known/openid-configuration`)
  } catch {
    // RFC 8414 puts the well-known segment before the issuer's path.
    metadata = await get(`/.well-known/oauth-authorization-server${path}`)
  }
  for (const [index, [, field]] of ENDPOINTS.entries()) {
    const value = metadata[field]
    if (
      (value !== undefined || index < 2) &&
      !(typeof value === 'string' && URL.canParse(value) && isAllowedUrl(new URL(value), insecure))
    ) {
      throw new TypeError(`"${field}" is missing or not an allowed URL`)
    }
  }
  return metadata
}

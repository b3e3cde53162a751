import type { AuthorizationServer, allowInsecureRequests } from 'oauth4webapi'
import { LoginError } from './errors.ts'
import type { RunRequest } from './requests.ts'
import { isAllowedUrl, parseUrlOption } from './urls.ts'

/** An authorization server found through discovery from its issuer identifier. */
export interface DiscoveredServer {
  /** The issuer identifier; `/.well-known/openid-configuration` is tried first, then `oauth-authorization-server`. */
  readonly issuer: string
  /**
   * Finds the metadata from `issuer` another way (SMART's `smartServer` reads
   * `{fhirBase}/.well-known/smart-configuration`). Called on first use, and again after a failure.
   */
  readonly discover?: Discover | undefined
}

/** Finds an authorization server's metadata from the URL a {@link DiscoveredServer} names. */
export type Discover = (
  url: URL,
  allowInsecureLoopback: boolean,
  run: RunRequest,
) => Promise<AuthorizationServer>

/** The options of {@link fixedEndpoints} (Medblocks: `/oauth2/auth`, `/oauth2/token`). */
export interface ExplicitServer {
  /** Needed to check the ID token's `iss` and the callback's `iss`; defaults to the token endpoint's origin. */
  readonly issuer?: string | undefined
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  /** Where `logout()` revokes the refresh token (RFC 7009). */
  readonly revocationEndpoint?: string | undefined
  /** Where `logout({ endSession: true })` ends the server session (OpenID RP-Initiated Logout). */
  readonly endSessionEndpoint?: string | undefined
}

/** An authorization server whose metadata is known without discovery; made by {@link fixedEndpoints}. */
export interface FixedServer {
  /** Checks the endpoints against the client's `allowInsecureLoopback` and returns the metadata. */
  readonly metadata: (allowInsecureLoopback: boolean) => AuthorizationServer
}

/** The authorization server of a login client: `{ issuer }` for discovery, or `fixedEndpoints(…)`. */
export type LoginServer = DiscoveredServer | FixedServer

/** oauth4webapi's per-request option that allows http:, passed only for opted-in loopback use. */
export type RequestOptions = { [allowInsecureRequests]?: boolean }

/** The metadata fields the client uses; the first two are required. */
const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
] as const

/**
 * An authorization server with fixed endpoints, so no discovery request is made. Opt-in, so that
 * apps that discover the server do not ship it.
 *
 * @param server the endpoints, checked by `createLoginClient` with the same `https:` rule
 * @returns the `server` argument of `createLoginClient`
 */
export function fixedEndpoints(server: ExplicitServer): FixedServer {
  return {
    metadata(insecure) {
      const metadata: Record<string, string> = {}
      for (const [index, option] of (
        [
          'authorizationEndpoint',
          'tokenEndpoint',
          'revocationEndpoint',
          'endSessionEndpoint',
        ] as const
      ).entries()) {
        const value = server[option]
        if (value !== undefined || index < 2) {
          metadata[ENDPOINTS[index] ?? ''] = parseUrlOption(value, option, insecure).href
        }
      }
      if (server.issuer !== undefined) parseUrlOption(server.issuer, 'issuer', insecure)
      // Kept exactly as given: `iss` values are compared as strings.
      metadata.issuer = server.issuer ?? new URL(metadata.token_endpoint ?? '').origin
      return metadata as unknown as AuthorizationServer
    },
  }
}

/**
 * Checks the server option up front, and returns a function that resolves the metadata once
 * (retrying after a failure, which is never cached).
 */
export function serverMetadata(
  server: LoginServer,
  insecure: boolean,
  run: RunRequest,
): () => Promise<AuthorizationServer> {
  if ('metadata' in server) {
    const metadata = server.metadata(insecure)
    return () => Promise.resolve(metadata)
  }
  const issuer = parseUrlOption(server.issuer, 'issuer', insecure)
  let pending: Promise<AuthorizationServer> | undefined
  return () => {
    pending ??= (server.discover ?? discover)(issuer, insecure, run).catch((cause: unknown) => {
      pending = undefined
      throw cause instanceof LoginError
        ? cause
        : new LoginError('discovery_failed', `discovery failed for "issuer" ${issuer.href}`, {
            cause,
          })
    })
    return pending
  }
}

async function discover(
  issuer: URL,
  insecure: boolean,
  run: RunRequest,
): Promise<AuthorizationServer> {
  // A plain GET (the issuer already passed the https:/loopback rule) of a JSON object whose
  // `issuer` is exactly the configured one.
  const get = (path: string) =>
    run('discovery', async (signal) => {
      const response = await fetch(new URL(path, issuer), {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal,
      })
      const json: unknown = response.status === 200 ? await response.json() : undefined
      const found = (json as { issuer?: unknown } | null | undefined)?.issuer
      if (typeof found !== 'string' || !URL.canParse(found)) {
        throw new TypeError('no metadata document with an "issuer"')
      }
      const href = new URL(found).href
      if (href !== issuer.href) {
        // Cookies and `iss` checks are per host: say when only the loopback name differs.
        const loopback = (url: string) => url.replace('//localhost', '//127.0.0.1')
        throw new LoginError(
          'discovery_failed',
          `discovered "issuer" ${found} is not the configured ${issuer.href}${
            loopback(href) === loopback(issuer.href) ? ' (localhost vs 127.0.0.1: use one)' : ''
          }`,
        )
      }
      return json as AuthorizationServer
    })
  const path = issuer.pathname.replace(/\/$/, '')
  let metadata: AuthorizationServer
  try {
    metadata = await get(`${path}/.well-known/openid-configuration`)
  } catch (error) {
    // A stalled server or another issuer is an answer: trying the second path would hide it.
    if (error instanceof LoginError) throw error
    // RFC 8414 puts the well-known segment before the issuer's path.
    metadata = await get(`/.well-known/oauth-authorization-server${path}`)
  }
  for (const [index, field] of ENDPOINTS.entries()) {
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

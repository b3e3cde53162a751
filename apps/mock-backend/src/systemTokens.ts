import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { jwtVerify, SignJWT } from 'jose'
import { safeEqual, sendOAuthError } from './http.ts'
import type { SigningKey } from './keys.ts'

/** A registered confidential client of a system-auth stand-in. */
export interface SystemClient {
  id: string
  secret: string
  /** Scopes it may be granted. */
  scopes: readonly string[]
}

/** Where a system token is valid. */
export interface SystemTokenAudience {
  issuer: string
  audience: string
}

/** A `client_credentials` token response body. */
export interface SystemTokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
}

/**
 * Authenticates a client by id and secret. Both registered values are compared in constant
 * time whatever the input, so the timing says nothing about which part was wrong.
 */
export function authenticateClient(
  clients: readonly SystemClient[],
  id: string,
  secret: string,
): SystemClient | undefined {
  let found: SystemClient | undefined
  for (const client of clients) {
    const idOk = safeEqual(id, client.id)
    const secretOk = safeEqual(secret, client.secret)
    if (idOk && secretOk) found = client
  }
  return found
}

/**
 * Resolves the granted scopes: all the client's scopes when none are requested, otherwise the
 * requested ones, each of which must be allowed.
 * @returns the granted scope string, or `undefined` for `invalid_scope`
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function grantScopes(
  client: SystemClient,
  requested: string | undefined,
): string | undefined {
  if (requested === undefined || requested.trim() === '') return client.scopes.join(' ')
  const wanted = requested.split(' ').filter((s) => s !== '')
  if (wanted.some((s) => !client.scopes.includes(s))) return undefined
  return [...new Set(wanted)].join(' ')
}

/** Signs an RS256 `at+jwt` access token for a client. */
export async function issueSystemToken(
  key: SigningKey,
  where: SystemTokenAudience,
  clientId: string,
  scope: string,
  ttlSeconds: number,
): Promise<SystemTokenResponse> {
  const accessToken = await new SignJWT({ scope, client_id: clientId })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid })
    .setIssuer(where.issuer)
    .setAudience(where.audience)
    .setSubject(clientId)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.privateKey)
  return { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, scope }
}

/**
 * Verifies a system token: RS256, `at+jwt`, issuer, audience, `exp`.
 * @throws when any check fails
 */
export async function verifySystemToken(
  key: SigningKey,
  where: SystemTokenAudience,
  token: string,
): Promise<{ clientId: string; scope: string }> {
  const { payload } = await jwtVerify(token, key.publicKey, {
    algorithms: ['RS256'],
    typ: 'at+jwt',
    issuer: where.issuer,
    audience: where.audience,
    requiredClaims: ['exp', 'sub'],
  })
  return {
    clientId: String(payload.sub),
    scope: typeof payload.scope === 'string' ? payload.scope : '',
  }
}

/** Sends the `invalid_client` answer shared by every system token endpoint. */
export function invalidClient(res: ServerResponse): void {
  sendOAuthError(res, 401, 'invalid_client', 'client authentication failed')
}

/** A minimal FHIR R4 CapabilityStatement for a system-token-protected metadata endpoint. */
export function capabilityStatement(name: string, base: string) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    software: { name },
    implementation: { description: `${name} (local stand-in)`, url: base },
    rest: [
      {
        mode: 'server',
        security: { service: [{ text: 'OAuth2 client credentials (SMART Backend Services)' }] },
        resource: [
          { type: 'Patient', interaction: [{ code: 'read' }, { code: 'search-type' }] },
          { type: 'Observation', interaction: [{ code: 'read' }, { code: 'search-type' }] },
        ],
      },
    ],
  }
}

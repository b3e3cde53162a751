import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { jwtVerify, SignJWT } from 'jose'
import { applyHttpFaults, type FaultStore, type FaultTarget } from './faults.ts'
import {
  bearerToken,
  findByCredentials,
  sendInvalidToken,
  sendJson,
  sendOAuthError,
} from './http.ts'
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

/** A minimal FHIR R4 CapabilityStatement for a system-token-protected metadata endpoint. */
function capabilityStatement(name: string, base: string) {
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

/** One system-auth stand-in's token endpoint and protected metadata. */
export interface SystemAuthority {
  clients: readonly SystemClient[]
  key: SigningKey
  where: SystemTokenAudience
  ttlSeconds: number
  faults: FaultStore
}

/** A client-credentials request as read from the body, before any checks. */
export interface ClientCredentialsRequest {
  grantType: unknown
  clientId: unknown
  clientSecret: unknown
  scope: unknown
  /** The client also sent credentials in a way it is not registered for. */
  otherCredentials: boolean
}

/**
 * Answers a client-credentials token request: `invalid_request`, `unsupported_grant_type`,
 * `401 invalid_client` (constant-time check), `invalid_scope`, or the token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export async function answerClientCredentials(
  res: ServerResponse,
  request: ClientCredentialsRequest,
  authority: SystemAuthority,
  target: FaultTarget,
): Promise<void> {
  const { grantType, clientId, clientSecret, scope } = request
  if (grantType === undefined) {
    sendOAuthError(res, 400, 'invalid_request', '"grant_type" is required')
    return
  }
  if (grantType !== 'client_credentials') {
    sendOAuthError(res, 400, 'unsupported_grant_type', 'only client_credentials is supported')
    return
  }
  if (scope !== undefined && typeof scope !== 'string') {
    sendOAuthError(res, 400, 'invalid_request', '"scope" must be a string')
    return
  }
  const client =
    typeof clientId === 'string' &&
    typeof clientSecret === 'string' &&
    clientId !== '' &&
    !request.otherCredentials
      ? findByCredentials(authority.clients, (c) => c, clientId, clientSecret)
      : undefined
  if (!client) {
    sendOAuthError(res, 401, 'invalid_client', 'client authentication failed')
    return
  }
  const granted = grantScopes(client, scope)
  if (granted === undefined) {
    sendOAuthError(res, 400, 'invalid_scope', 'the requested scope is not allowed')
    return
  }
  if (await applyHttpFaults(authority.faults, { target, clientId: client.id }, res)) return
  const { key, where, ttlSeconds } = authority
  sendJson(res, 200, await issueSystemToken(key, where, client.id, granted, ttlSeconds), {
    pragma: 'no-cache',
  })
}

/**
 * A FHIR `metadata` endpoint that requires this authority's system token.
 * @param name the software name in the CapabilityStatement
 * @param base the FHIR base URL it describes
 */
export function createMetadataEndpoint(
  authority: SystemAuthority,
  target: FaultTarget,
  name: string,
  base: string,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const bearer = bearerToken(req)
    let clientId: string
    try {
      if (!bearer) throw new TypeError('missing bearer token')
      clientId = (await verifySystemToken(authority.key, authority.where, bearer)).clientId
    } catch {
      sendInvalidToken(res)
      return
    }
    if (await applyHttpFaults(authority.faults, { target, clientId }, res)) return
    sendJson(res, 200, capabilityStatement(name, base), {}, 'application/fhir+json')
  }
}

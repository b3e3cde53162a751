import { createLocalJWKSet, jwtVerify } from 'jose'
import type { SigningKey } from '../keys.ts'
import { fhirAudience } from './provider.ts'

/** The verified claims a resource server needs from a Medblocks access token. */
export interface AccessTokenClaims {
  /** The user (or, for client credentials, the client id). */
  sub: string
  clientId: string | undefined
  scope: string
  /** `cnf.jkt`: the thumbprint of the DPoP key the token is bound to; `undefined` for bearer. */
  jkt: string | undefined
}

/** Verifies a Medblocks access token; throws for anything that is not a valid, current one. */
export type AccessTokenVerifier = (token: string) => Promise<AccessTokenClaims>

/**
 * Verifies Medblocks access tokens the way a resource server would: RS256 only, the `at+jwt`
 * type, this issuer, the FHIR audience, and a current `exp`, against the server's JWKS.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export function createAccessTokenVerifier(issuer: string, key: SigningKey): AccessTokenVerifier {
  const jwks = createLocalJWKSet({ keys: [key.publicJwk] })
  const audience = fhirAudience(issuer)
  return async (token) => {
    const { payload } = await jwtVerify(token, jwks, {
      algorithms: ['RS256'],
      typ: 'at+jwt',
      issuer,
      audience,
      requiredClaims: ['sub', 'exp'],
    })
    if (typeof payload.sub !== 'string') throw new TypeError('"sub" claim must be a string')
    const confirmation = payload.cnf as Record<string, unknown> | undefined
    return {
      sub: payload.sub,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
      scope: typeof payload.scope === 'string' ? payload.scope : '',
      jkt: typeof confirmation?.jkt === 'string' ? confirmation.jkt : undefined,
    }
  }
}

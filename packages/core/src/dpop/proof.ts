import { now } from '../login/env.ts'

/** base64url without padding (RFC 7515 §2). */
export function base64url(bytes: ArrayBuffer | Uint8Array | string): string {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes)
  let binary = ''
  for (const byte of data) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** What a proof is bound to. */
export interface ProofClaims {
  /** The HTTP method. */
  readonly htm: string
  /** The request URL; its query and fragment are left out of `htu` (RFC 9449 §4.2). */
  readonly url: string
  /** The server's last `DPoP-Nonce`, when it sent one. */
  readonly nonce?: string | undefined
  /** The access token the request carries: its SHA-256 becomes `ath`. */
  readonly accessToken?: string | undefined
}

/**
 * Signs a DPoP proof JWT (`typ: dpop+jwt`, ES256, the public key as `jwk`) with a fresh `jti`
 * and the current `iat`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function createProof(keys: CryptoKeyPair, claims: ProofClaims): Promise<string> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey)
  const url = new URL(claims.url)
  const header = base64url(
    JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } }),
  )
  const payload = base64url(
    JSON.stringify({
      jti: base64url(crypto.getRandomValues(new Uint8Array(16))),
      htm: claims.htm,
      htu: url.origin + url.pathname,
      iat: Math.floor(now() / 1000),
      nonce: claims.nonce,
      ath:
        claims.accessToken === undefined
          ? undefined
          : base64url(
              await crypto.subtle.digest('SHA-256', new TextEncoder().encode(claims.accessToken)),
            ),
    }),
  )
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    keys.privateKey,
    new TextEncoder().encode(`${header}.${payload}`),
  )
  return `${header}.${payload}.${base64url(signature)}`
}

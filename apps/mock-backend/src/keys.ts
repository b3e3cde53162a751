import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK } from 'jose'

/** An RS256 signing key with its public and private JWK forms. */
export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** Public JWK for a JWKS document. */
  publicJwk: JWK
  /** Private JWK, for oidc-provider's `jwks` option. Never served. */
  privateJwk: JWK
}

const keys = new Map<string, Promise<SigningKey>>()

async function createKey(name: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = `${name}-${randomUUID()}`
  const common = { kid, alg: 'RS256', use: 'sig' }
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), ...common },
    privateJwk: { ...(await exportJWK(privateKey)), ...common },
  }
}

/**
 * The RS256 key a stand-in signs with. One key per name, generated once per process, so every
 * token issued during a run keeps verifying, also across backend restarts inside one test run.
 * @param name the stand-in (`bwell`, `medblocks`, `opescare`)
 */
export function signingKey(name: string): Promise<SigningKey> {
  let key = keys.get(name)
  if (!key) {
    key = createKey(name)
    keys.set(name, key)
  }
  return key
}

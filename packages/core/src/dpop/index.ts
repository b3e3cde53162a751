// Public API of DPoP (`@oauth-connect/core/dpop`), an opt-in layer of the login client.
export type { DPoPBinding } from './binding.ts'
export { type DPoPOptions, dpop, generateDPoPKeyPair } from './dpop.ts'
export {
  type DPoPKeyStore,
  defaultKeyStore,
  indexedDbKeyStore,
  memoryKeyStore,
  type StoredDPoPKey,
} from './keyStore.ts'
export { createProof, type ProofClaims } from './proof.ts'

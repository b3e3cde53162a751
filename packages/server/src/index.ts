export {
  type BridgeAgentHeaders,
  type BridgeAgentOptions,
  bridgeAgentHeaders,
} from './bridgeAgent.ts'
export type { FetchLike } from './discovery.ts'
export {
  ACCESS_TOKEN_EXPIRED,
  ACCESS_TOKEN_INVALID,
  AccessTokenError,
  DISCOVERY_FAILED,
  DiscoveryError,
  INSECURE_ENDPOINT,
  INSUFFICIENT_SCOPE,
  INVALID_ARGUMENT,
  INVALID_TOKEN_RESPONSE,
  InsecureEndpointError,
  InsufficientScopeError,
  InvalidArgumentError,
  isOAuthConnectError,
  JWKS_UNAVAILABLE,
  JwksError,
  OAuthConnectError,
  TOKEN_REQUEST_FAILED,
  TokenRequestError,
  TokenResponseError,
} from './errors.ts'
export {
  type BwellEnvironment,
  type BwellOptions,
  bwell,
  LOCAL_BASE_URLS,
  type MedblocksEnvironment,
  type MedblocksOptions,
  medblocks,
  type OpescareEnvironment,
  type OpescareOptions,
  opescare,
  type PresetCredentials,
  type PresetEnvironment,
  type PresetLocation,
  VENDOR_ENVIRONMENTS,
} from './presets.ts'
export { Secret } from './secret.ts'
export {
  type AccessToken,
  type ClientAuthMethod,
  createTokenSource,
  DEFAULT_REFRESH_SKEW_SECONDS,
  DEFAULT_TOKEN_REUSE_SECONDS,
  MAX_EXPIRES_IN_SECONDS,
  MIN_TOKEN_REUSE_SECONDS,
  type TokenSource,
  type TokenSourceOptions,
} from './tokenSource.ts'
export {
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
  type TokenStoreKey,
  type TokenStoreLock,
  type TokenStoreLockWait,
} from './tokenStore.ts'
export {
  type AccessTokenClaims,
  JWKS_COOLDOWN_SECONDS,
  JWKS_MAX_AGE_SECONDS,
  JWKS_TIMEOUT_SECONDS,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './verifyAccessToken.ts'

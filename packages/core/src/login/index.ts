// Public API of the PKCE login client (`@oauth-connect/core/login`).
export { InvalidArgumentError, isOAuthConnectError, OAuthConnectError } from '../errors.ts'
export { type StandardClaims, standardClaims } from './claims.ts'
export { createLoginClient } from './createLoginClient.ts'
export { type LoginEnv, loginEnv, setLoginEnv } from './env.ts'
export { LoginError, type LoginErrorCode } from './errors.ts'
export { REFRESH_LEEWAY_MS } from './freshness.ts'
export type {
  AuthSnapshot,
  AuthStatus,
  CallbackResult,
  LoginClient,
  LoginClientOptions,
  LoginOptions,
  LogoutOptions,
  TokenStorage,
} from './loginClient.ts'
export { type PopupLogin, popupLogin } from './popup.ts'
export { REQUEST_TIMEOUT_MS } from './requests.ts'
export {
  type Discover,
  type DiscoveredServer,
  type ExplicitServer,
  type FixedServer,
  fixedEndpoints,
  type LoginServer,
} from './server.ts'
export type { IdTokenClaims, Session, SessionContext } from './session.ts'
export type { Epoch, SessionState } from './sessionState.ts'
export {
  ASK_WAIT_MS,
  REMOTE_REFRESH_WAIT_MS,
  type RemoteRefresh,
  type SessionStore,
  type SharedSession,
  sessionStore,
} from './sessionStore.ts'
export type { TabMessage, TabMessageData } from './tabSync.ts'
export type { TokenContext } from './tokenEndpoint.ts'

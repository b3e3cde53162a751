// Public API of the PKCE login client (`@oauth-connect/core/login`).
export { InvalidArgumentError, isOAuthConnectError, OAuthConnectError } from '../errors.ts'
export {
  type AuthSnapshot,
  type AuthStatus,
  type CallbackResult,
  createLoginClient,
  type LoginClient,
  type LoginClientOptions,
  type LoginOptions,
  type LogoutOptions,
  REFRESH_LEEWAY_MS,
  type TokenStorage,
} from './createLoginClient.ts'
export { LoginError, type LoginErrorCode } from './errors.ts'
export { type PopupLogin, popupLogin } from './popup.ts'
export type { DiscoveredServer, ExplicitServer, LoginServer } from './server.ts'
export type { IdTokenClaims } from './session.ts'

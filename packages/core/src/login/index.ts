// Public API of the PKCE login client (`@oauth-connect/core/login`).
export { InvalidArgumentError, isOAuthConnectError, OAuthConnectError } from '../errors.ts'

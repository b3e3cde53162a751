// Public API of the connection flow (`@oauth-connect/core/connect`).
export { InvalidArgumentError, isOAuthConnectError, OAuthConnectError } from '../errors.ts'

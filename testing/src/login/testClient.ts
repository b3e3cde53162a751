import {
  createLoginClient,
  type LoginClient,
  type LoginClientOptions,
  type LoginServer,
} from '@oauth-connect/core/login'
import type { AuthServer } from './authServer.ts'

/**
 * A login client for the test authorization server, as every login test uses it: loopback http
 * allowed, the server as the resource origin, and navigations recorded instead of performed.
 */
export function createTestClient(
  server: AuthServer,
  navigations: URL[],
  overrides: Partial<LoginClientOptions> = {},
  loginServer: LoginServer = { issuer: server.issuer },
): LoginClient {
  return createLoginClient(loginServer, {
    clientId: server.clientId,
    redirectUri: `${location.origin}/callback`,
    scope: 'openid profile offline_access',
    allowInsecureLoopback: true,
    resourceOrigins: [server.issuer],
    navigate: (url) => navigations.push(url),
    ...overrides,
  })
}

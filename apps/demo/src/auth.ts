import { dpop } from '@oauth-connect/core/dpop'
import {
  createLoginClient,
  type LoginClient,
  popupLogin,
  sessionStore,
} from '@oauth-connect/core/login'
import { loginConfig, origins } from './config.ts'
import { dpopFor } from './dpopSetting.ts'
import type { TokenStorageSetting } from './settings.ts'

const clients = new Map<TokenStorageSetting, LoginClient>()

/** Whether this page load's client binds its tokens with DPoP (the demo's switch). */
export const dpopOn = dpopFor(location.pathname, location.search)

/**
 * The demo's login client for a storage choice, created once per page load: the client owns the
 * tokens, so a second one would start signed out.
 */
export function loginClientFor(storage: TokenStorageSetting): LoginClient {
  let client = clients.get(storage)
  if (!client) {
    client = createLoginClient(
      { issuer: origins.medblocks },
      {
        clientId: loginConfig.clientId,
        redirectUri: new URL(loginConfig.callbackPath, location.origin).href,
        scope: loginConfig.scope,
        storage: storage === 'session' ? sessionStore : 'memory',
        // The mock backend speaks http: on loopback; nothing else may.
        allowInsecureLoopback: true,
        // With DPoP only the FHIR server, which checks proofs, gets the token.
        resourceOrigins: dpopOn ? [origins.medblocks] : [origins.medblocks, origins.bwell],
        // The key pair is made (or loaded) here, when the client is created.
        dpop: dpopOn ? dpop() : undefined,
        postLogoutRedirectUri: new URL('/', location.origin).href,
        // Popup sign-in; the callback page needs it too, to hand a popup's callback to the opener.
        popup: popupLogin,
      },
    )
    clients.set(storage, client)
  }
  return client
}

/**
 * The signed-in user's ID token, which b.well's `getToken` takes (raw, in `Authorization`) for the
 * demo's client keys: the mock's b.well trusts the Medblocks-style server's ID tokens for them.
 */
export function identityTokenFor(storage: TokenStorageSetting): () => Promise<string> {
  return () => loginClientFor(storage).getIdToken()
}

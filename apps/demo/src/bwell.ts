import { type BwellClient, createBwellClient } from '@oauth-connect/react/bwell'
import { clientKeys, graphqlUrl } from './config.ts'
import type { ReturnTarget } from './settings.ts'

const clients = new Map<ReturnTarget, BwellClient>()

/**
 * The b.well client of a return target, created once per page: each target is its own client key,
 * so its own b.well session. `getIdentityToken` gives the signed-in user's identity-provider token,
 * which b.well's `getToken` exchanges for b.well's own tokens.
 */
export function bwellClientFor(
  target: ReturnTarget,
  getIdentityToken: () => Promise<string>,
): BwellClient {
  let client = clients.get(target)
  if (!client) {
    client = createBwellClient({
      endpoint: graphqlUrl,
      clientKey: clientKeys[target],
      getIdentityToken,
    })
    clients.set(target, client)
  }
  return client
}

/** Drops the b.well session of every client key: the user signed out or changed. */
export function signOutOfBwell(): void {
  for (const client of clients.values()) client.signOut()
}

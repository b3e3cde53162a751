import {
  type AuthStatus,
  type LoginClient,
  type LoginError,
  type LoginOptions,
  type LogoutOptions,
  type StandardClaims,
  standardClaims,
} from '@oauth-connect/core/login'
import { useMemo, useSyncExternalStore } from 'react'
import { useAuthContext } from './AuthProvider.tsx'

/** What {@link useAuth} returns. The functions keep their identity while the client does. */
export interface UseAuthResult {
  readonly status: AuthStatus
  /** The signed-in user's ID-token claims; each standard claim is kept only with its standard type. */
  readonly claims: StandardClaims | undefined
  /**
   * The last sign-in failure (`discovery_failed`, `timeout`, `popup_closed`, `denied`, …), or why
   * the user was signed out. For developers and logs; show users a generic text.
   */
  readonly error: LoginError | undefined
  /** Starts a sign-in. @see LoginClient.login */
  readonly login: (options?: LoginOptions) => Promise<void>
  /** Signs out in every tab. @see LoginClient.logout */
  readonly logout: (options?: LogoutOptions) => Promise<void>
  /** A fresh access token. @see LoginClient.getAccessToken */
  readonly getAccessToken: () => Promise<string>
}

/**
 * The sign-in state and actions of the nearest {@link AuthProvider}, read through
 * `useSyncExternalStore` so every component sees the same state in the same render.
 *
 * @returns status, claims, error and the client's actions
 * @throws {Error} outside an `AuthProvider`
 */
export function useAuth(): UseAuthResult {
  const { client } = useAuthContext()
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
  const actions = useMemo(() => bindActions(client), [client])
  const claims = useMemo(() => standardClaims(snapshot.claims), [snapshot.claims])
  return { status: snapshot.status, claims, error: snapshot.error, ...actions }
}

function bindActions(client: LoginClient) {
  return {
    login: (options?: LoginOptions) => client.login(options),
    logout: (options?: LogoutOptions) => client.logout(options),
    getAccessToken: () => client.getAccessToken(),
  }
}

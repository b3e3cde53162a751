import type {
  AuthStatus,
  IdTokenClaims,
  LoginClient,
  LoginError,
  LoginOptions,
  LogoutOptions,
} from '@oauth-connect/core/login'
import { useMemo, useSyncExternalStore } from 'react'
import { useAuthContext } from './AuthProvider.tsx'

/** What {@link useAuth} returns. The functions keep their identity while the client does. */
export interface UseAuthResult {
  readonly status: AuthStatus
  /** The signed-in user's ID-token claims. */
  readonly claims: IdTokenClaims | undefined
  /** The last sign-in failure, or why the user was signed out. */
  readonly error: LoginError | undefined
  /** Starts a redirect sign-in. @see LoginClient.login */
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
  return { ...snapshot, ...actions }
}

function bindActions(client: LoginClient) {
  return {
    login: (options?: LoginOptions) => client.login(options),
    logout: (options?: LogoutOptions) => client.logout(options),
    getAccessToken: () => client.getAccessToken(),
  }
}

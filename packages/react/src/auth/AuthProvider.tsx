import type { LoginClient } from '@oauth-connect/core/login'
import { type QueryClient, QueryClientContext } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef } from 'react'
import { removeUserQueries } from './authQueries.ts'

/** What {@link AuthProvider} hands down: the client, and where FHIR lives. */
export interface AuthContextValue {
  readonly client: LoginClient
  readonly fhirBaseUrl: string | undefined
  /**
   * Registers a QueryClient that holds this user's queries, so sign-out clears it too. The query
   * hooks call it for theirs; call it for a QueryClient you fill with user data yourself.
   */
  readonly trackQueryClient: (queryClient: QueryClient) => void
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined)

/** Props of {@link AuthProvider}. */
export interface AuthProviderProps {
  /** A client from `createLoginClient`, created once outside render (module scope). */
  readonly client: LoginClient
  /** Base URL of the FHIR API for `useFhirQuery`, e.g. `http://127.0.0.1:4002/fhir`. Its origin must be one of the client's `resourceOrigins`. */
  readonly fhirBaseUrl?: string | undefined
  readonly children?: ReactNode | undefined
}

/**
 * Makes a login client available to {@link useAuth}, {@link useAuthCallback} and the query hooks.
 * When the signed-in user leaves (sign-out in any tab, a session that ends, another user's
 * sign-in), it removes every query of the query hooks from every QueryClient they used, before
 * anyone can render them again.
 *
 * @param props the client, the optional FHIR base URL and the children
 * @returns the provider element
 */
export function AuthProvider({ client, fhirBaseUrl, children }: AuthProviderProps): ReactNode {
  const outer = useContext(QueryClientContext)
  const queryClients = useRef(new Set<QueryClient>())
  if (outer) queryClients.current.add(outer)
  useEffect(() => {
    const userOf = () => {
      const { status, claims } = client.getSnapshot()
      return status === 'signed-in' ? (claims?.sub ?? null) : undefined
    }
    let user = userOf()
    return client.subscribe(() => {
      // `loading` is a sign-in on its way: the user it ends with decides.
      if (client.getSnapshot().status === 'loading') return
      const next = userOf()
      if (user !== undefined && next !== user) removeUserQueries(queryClients.current)
      user = next
    })
  }, [client])
  const value = useMemo(
    () => ({
      client,
      fhirBaseUrl,
      trackQueryClient: (queryClient: QueryClient) => {
        queryClients.current.add(queryClient)
      },
    }),
    [client, fhirBaseUrl],
  )
  // `.Provider` keeps React 18 working.
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

/**
 * Reads the nearest {@link AuthProvider}.
 *
 * @returns the client, the FHIR base URL and `trackQueryClient`
 * @throws {Error} when no provider is above the calling component
 */
export function useAuthContext(): AuthContextValue {
  const value = useContext(AuthContext)
  if (!value) {
    throw new Error(
      'useAuth, useAuthCallback, useAuthorizedQuery and useFhirQuery must be used inside <AuthProvider client={…}>',
    )
  }
  return value
}

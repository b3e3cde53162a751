import type { LoginClient } from '@oauth-connect/core/login'
import { createContext, type ReactNode, useContext, useMemo } from 'react'

/** What {@link AuthProvider} hands down: the client, and where FHIR lives. */
export interface AuthContextValue {
  readonly client: LoginClient
  readonly fhirBaseUrl: string | undefined
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined)

/** Props of {@link AuthProvider}. */
export interface AuthProviderProps {
  /** A client from `createLoginClient`, created once outside render (module scope). */
  readonly client: LoginClient
  /** Base URL of the FHIR API for `useFhirQuery`, e.g. `http://127.0.0.1:4002/fhir`. Its origin must be one of the client's `resourceOrigins`. */
  readonly fhirBaseUrl?: string
  readonly children?: ReactNode
}

/**
 * Makes a login client available to {@link useAuth}, {@link useAuthCallback} and the query hooks.
 *
 * @param props the client, the optional FHIR base URL and the children
 * @returns the provider element
 */
export function AuthProvider({ client, fhirBaseUrl, children }: AuthProviderProps): ReactNode {
  const value = useMemo(() => ({ client, fhirBaseUrl }), [client, fhirBaseUrl])
  // `.Provider` keeps React 18 working.
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

/**
 * Reads the nearest {@link AuthProvider}.
 *
 * @returns the client and FHIR base URL
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

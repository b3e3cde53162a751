// Sign-in hooks over the core login client (`@oauth-connect/core/login`).
export {
  type AuthContextValue,
  AuthProvider,
  type AuthProviderProps,
  useAuthContext,
} from './AuthProvider.tsx'
export { ResourceError, type ResourceErrorCode } from './errors.ts'
export { type UseAuthResult, useAuth } from './useAuth.ts'
export { type AuthCallbackState, useAuthCallback } from './useAuthCallback.ts'
export { FHIR_JSON, fetchAuthorizedJson, useAuthorizedQuery } from './useAuthorizedQuery.ts'
export {
  type FhirBundle,
  type FhirResource,
  type FhirSearchParams,
  useFhirQuery,
} from './useFhirQuery.ts'

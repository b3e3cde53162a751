// Sign-in hooks over the core login client (`@oauth-connect/core/login`).
export {
  type AuthContextValue,
  AuthProvider,
  type AuthProviderProps,
  useAuthContext,
} from './AuthProvider.tsx'
export { type AuthQueryOptions, authQueryKeys, isRetryable } from './authQueries.ts'
export { ResourceError, type ResourceErrorCode } from './errors.ts'
export {
  type FhirBundle,
  type FhirBundleEntry,
  type FhirHumanName,
  type FhirIdentifier,
  type FhirOperationOutcome,
  type FhirOperationOutcomeIssue,
  type FhirPatient,
  type FhirResource,
  isFhirBundle,
  isFhirPatient,
  isFhirResource,
  isOperationOutcome,
} from './fhir.ts'
export { type LaunchPatient, launchPatient } from './launchPatient.ts'
export { type UseAuthResult, useAuth } from './useAuth.ts'
export { type AuthCallbackState, useAuthCallback } from './useAuthCallback.ts'
export { FHIR_JSON, fetchAuthorizedJson, useAuthorizedQuery } from './useAuthorizedQuery.ts'
export { type FhirSearchParams, useFhirQuery, useFhirRead } from './useFhirQuery.ts'
export { useLaunchContext } from './useLaunchContext.ts'

import { InvalidArgumentError } from '@oauth-connect/core/login'
import type { UseQueryResult } from '@tanstack/react-query'
import { useAuthContext } from './AuthProvider.tsx'
import { type AuthQueryOptions, authQueryKeys, useUserQuery } from './authQueries.ts'
import { ResourceError } from './errors.ts'
import { type FhirBundle, isFhirBundle } from './fhir.ts'
import { fetchAuthorizedJson } from './useAuthorizedQuery.ts'

/** Search parameters; arrays repeat the parameter (`_include`, `date=ge…&date=le…`). */
export type FhirSearchParams = Readonly<Record<string, string | number | readonly string[]>>

/**
 * Searches a FHIR resource type on the provider's `fhirBaseUrl` with the signed-in user's token:
 * `GET {fhirBaseUrl}/{resourceType}?{params}` with `Accept: application/fhir+json`, under the key
 * `authQueryKeys.fhir(sub, fhirBaseUrl, resourceType, params)`.
 *
 * @param resourceType e.g. `'Patient'`; letters only, so it cannot change the path
 * @param params search parameters
 * @param options TanStack Query's options (`enabled`, `staleTime`, `select`, `retry`,
 *   `refetchInterval`, `placeholderData`, …). By default an error that a retry cannot fix
 *   (4xx, a refused sign-in, a security check) is not retried; `enabled` adds to "signed in".
 * @returns TanStack Query's result; `data` is a checked `Bundle` (or what `select` makes of it)
 * @throws {InvalidArgumentError} when `resourceType` is not a FHIR type name
 * @throws {Error} without `fhirBaseUrl` on the `AuthProvider`, or outside providers
 */
export function useFhirQuery<TData = FhirBundle>(
  resourceType: string,
  params: FhirSearchParams = {},
  options: AuthQueryOptions<FhirBundle, TData> = {},
): UseQueryResult<TData, Error> {
  const { client, fhirBaseUrl } = useAuthContext()
  if (!/^[A-Z][A-Za-z]*$/.test(resourceType)) {
    throw new InvalidArgumentError('"resourceType" must be a FHIR resource type such as "Patient"')
  }
  if (fhirBaseUrl === undefined) {
    throw new Error('useFhirQuery needs <AuthProvider fhirBaseUrl="…">')
  }
  const url = new URL(`${fhirBaseUrl.replace(/\/+$/, '')}/${resourceType}`)
  for (const [name, value] of Object.entries(params)) {
    for (const item of typeof value === 'object' ? value : [String(value)]) {
      url.searchParams.append(name, item)
    }
  }
  return useUserQuery(
    (user) => authQueryKeys.fhir(user, fhirBaseUrl, resourceType, params),
    async (signal) => {
      const body = await fetchAuthorizedJson(client, url.href, signal)
      if (!isFhirBundle(body)) {
        throw new ResourceError('invalid_body', `"${url.href}" did not answer a FHIR Bundle`, 200)
      }
      return body
    },
    options,
  )
}

import { InvalidArgumentError } from '@oauth-connect/core/login'
import type { UseQueryResult } from '@tanstack/react-query'
import { useAuthContext } from './AuthProvider.tsx'
import { type AuthQueryOptions, authQueryKeys, useUserQuery } from './authQueries.ts'
import { ResourceError } from './errors.ts'
import { type FhirBundle, type FhirResource, isFhirBundle, isFhirResource } from './fhir.ts'
import { type LaunchPatient, launchPatient } from './launchPatient.ts'
import { fetchAuthorizedJson } from './useAuthorizedQuery.ts'
import { useLaunchContext } from './useLaunchContext.ts'

/**
 * Search parameters; arrays repeat the parameter (`_include`, `date=ge…&date=le…`), and
 * {@link launchPatient} stands for the SMART launch patient's id.
 */
export type FhirSearchParams = Readonly<
  Record<string, string | number | readonly string[] | LaunchPatient>
>

/**
 * The parameters with {@link launchPatient} replaced by `patient`; `undefined` while one stands
 * for a patient nobody launched.
 */
function withLaunchPatient(
  params: FhirSearchParams,
  patient: string | undefined,
): FhirSearchParams | undefined {
  const resolved: Record<string, string | number | readonly string[]> = {}
  for (const [name, value] of Object.entries(params)) {
    if (value !== launchPatient) resolved[name] = value
    else if (patient === undefined) return undefined
    else resolved[name] = patient
  }
  return resolved
}

/** `{fhirBaseUrl}/{path}` with the search parameters appended. */
function fhirUrl(fhirBaseUrl: string, path: string, params: FhirSearchParams): URL {
  const url = new URL(`${fhirBaseUrl.replace(/\/+$/, '')}/${path}`)
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'symbol') continue
    for (const item of typeof value === 'object' ? value : [String(value)]) {
      url.searchParams.append(name, item)
    }
  }
  return url
}

/**
 * Searches a FHIR resource type on the provider's `fhirBaseUrl` with the signed-in user's token:
 * `GET {fhirBaseUrl}/{resourceType}?{params}` with `Accept: application/fhir+json`, under the key
 * `authQueryKeys.fhir(sub, fhirBaseUrl, resourceType, params)`.
 *
 * @param resourceType e.g. `'Patient'`; letters only, so it cannot change the path
 * @param params search parameters; `{ patient: launchPatient }` searches the SMART launch
 *   patient's resources (the query waits until a launch context names one)
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
  checkResourceType(resourceType)
  if (fhirBaseUrl === undefined) {
    throw new Error('useFhirQuery needs <AuthProvider fhirBaseUrl="…">')
  }
  const resolved = withLaunchPatient(params, useLaunchContext()?.patient)
  const url = fhirUrl(fhirBaseUrl, resourceType, resolved ?? params)
  const { enabled } = options
  return useUserQuery(
    (user) => authQueryKeys.fhir(user, fhirBaseUrl, resourceType, resolved ?? params),
    async (signal) => {
      const body = await fetchAuthorizedJson(client, url.href, signal)
      if (!isFhirBundle(body)) {
        throw new ResourceError('invalid_body', `"${url.href}" did not answer a FHIR Bundle`, 200)
      }
      return body
    },
    {
      ...options,
      enabled: resolved === undefined ? false : enabled,
    },
  )
}

/**
 * Reads one FHIR resource by id with the signed-in user's token: `GET {fhirBaseUrl}/{type}/{id}`,
 * under the key `authQueryKeys.fhir(sub, fhirBaseUrl, resourceType, { _id: id })`.
 *
 * @param resourceType e.g. `'Patient'`; letters only
 * @param id the resource id, or {@link launchPatient} for the SMART launch patient (the query
 *   waits until a launch context names one)
 * @param options TanStack Query's options, as for {@link useFhirQuery}
 * @returns TanStack Query's result; `data` is a resource of `resourceType`
 * @throws {InvalidArgumentError} when `resourceType` is not a FHIR type name or `id` is not a FHIR id
 */
export function useFhirRead<TData = FhirResource>(
  resourceType: string,
  id: string | LaunchPatient,
  options: AuthQueryOptions<FhirResource, TData> = {},
): UseQueryResult<TData, Error> {
  const { client, fhirBaseUrl } = useAuthContext()
  checkResourceType(resourceType)
  if (typeof id === 'string' && !FHIR_ID.test(id)) {
    throw new InvalidArgumentError('"id" must be a FHIR id: letters, digits, "-" and "."')
  }
  if (fhirBaseUrl === undefined) {
    throw new Error('useFhirRead needs <AuthProvider fhirBaseUrl="…">')
  }
  const launch = useLaunchContext()?.patient
  // A launch context is a server's word: an id it names must pass the same check.
  const resolved = id === launchPatient ? (launch && FHIR_ID.test(launch) ? launch : undefined) : id
  const url = fhirUrl(fhirBaseUrl, `${resourceType}/${resolved ?? ''}`, {})
  const { enabled } = options
  return useUserQuery(
    (user) => authQueryKeys.fhir(user, fhirBaseUrl, resourceType, { _id: resolved ?? '' }),
    async (signal) => {
      const body = await fetchAuthorizedJson(client, url.href, signal)
      if (!isFhirResource(body) || body.resourceType !== resourceType || body.id !== resolved) {
        throw new ResourceError(
          'invalid_body',
          `"${url.href}" did not answer the ${resourceType} asked for`,
          200,
        )
      }
      return body
    },
    { ...options, enabled: resolved === undefined ? false : enabled },
  )
}

/** Letters only, so a resource type can never change the path. */
function checkResourceType(resourceType: string): void {
  if (!/^[A-Z][A-Za-z]*$/.test(resourceType)) {
    throw new InvalidArgumentError('"resourceType" must be a FHIR resource type such as "Patient"')
  }
}

/** A FHIR resource id. */
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/

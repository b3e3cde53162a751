import { InvalidArgumentError } from '@oauth-connect/core/login'
import { type UseQueryResult, useQuery } from '@tanstack/react-query'
import { useAuthContext } from './AuthProvider.tsx'
import { ResourceError } from './errors.ts'
import { useAuth } from './useAuth.ts'
import { fetchAuthorizedJson } from './useAuthorizedQuery.ts'

/** A FHIR resource: only `resourceType` is checked. */
export interface FhirResource {
  readonly resourceType: string
  readonly id?: string
  readonly [field: string]: unknown
}

/** A FHIR search result (`Bundle` of type `searchset`). */
export interface FhirBundle {
  readonly resourceType: 'Bundle'
  readonly type?: string
  readonly total?: number
  readonly entry?: readonly { readonly resource?: FhirResource }[]
}

/** Search parameters; arrays repeat the parameter (`_include`, `date=ge…&date=le…`). */
export type FhirSearchParams = Readonly<Record<string, string | number | readonly string[]>>

function isResource(value: unknown): value is FhirResource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).resourceType === 'string'
  )
}

function isBundle(value: unknown): value is FhirBundle {
  if (!isResource(value) || value.resourceType !== 'Bundle') return false
  const entry = value.entry
  return (
    entry === undefined ||
    (Array.isArray(entry) &&
      entry.every(
        (item: unknown) =>
          typeof item === 'object' &&
          item !== null &&
          ((item as Record<string, unknown>).resource === undefined ||
            isResource((item as Record<string, unknown>).resource)),
      ))
  )
}

/**
 * Searches a FHIR resource type on the provider's `fhirBaseUrl` with the signed-in user's token:
 * `GET {fhirBaseUrl}/{resourceType}?{params}` with `Accept: application/fhir+json`.
 *
 * @param resourceType e.g. `'Patient'`; letters only, so it cannot change the path
 * @param params search parameters
 * @returns TanStack Query's result; `data` is a checked `Bundle`
 * @throws {InvalidArgumentError} when `resourceType` is not a FHIR type name
 * @throws {Error} without `fhirBaseUrl` on the `AuthProvider`, or outside providers
 */
export function useFhirQuery(
  resourceType: string,
  params: FhirSearchParams = {},
): UseQueryResult<FhirBundle, Error> {
  const { client, fhirBaseUrl } = useAuthContext()
  const { status } = useAuth()
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
  return useQuery({
    queryKey: ['oauth-connect', 'fhir', fhirBaseUrl, resourceType, params],
    queryFn: async ({ signal }) => {
      const body = await fetchAuthorizedJson(client, url.href, signal)
      if (!isBundle(body)) {
        throw new ResourceError('invalid_body', `"${url.href}" did not answer a FHIR Bundle`, 200)
      }
      return body
    },
    enabled: status === 'signed-in',
  })
}

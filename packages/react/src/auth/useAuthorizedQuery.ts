import type { LoginClient } from '@oauth-connect/core/login'
import { type QueryKey, type UseQueryResult, useQuery } from '@tanstack/react-query'
import { useAuthContext } from './AuthProvider.tsx'
import { ResourceError } from './errors.ts'
import { useAuth } from './useAuth.ts'

/** Media type asked for by the query hooks; FHIR servers answer JSON to it. */
export const FHIR_JSON = 'application/fhir+json'

/**
 * GETs `url` through the client's authorized `fetch` (bearer only for its resource origins) and
 * parses JSON.
 *
 * @throws {ResourceError} `http_error` for a non-2xx status, `invalid_body` for non-JSON
 */
export async function fetchAuthorizedJson(
  client: LoginClient,
  url: string,
  signal: AbortSignal,
): Promise<unknown> {
  const response = await client.fetch(url, { headers: { accept: FHIR_JSON }, signal })
  if (!response.ok) {
    throw new ResourceError(
      'http_error',
      `"${url}" answered HTTP ${response.status}`,
      response.status,
    )
  }
  try {
    return (await response.json()) as unknown
  } catch (cause) {
    throw new ResourceError('invalid_body', `"${url}" did not answer JSON`, response.status, {
      cause,
    })
  }
}

/**
 * A TanStack query that GETs `url` with the signed-in user's token, asking for
 * `application/fhir+json`. It runs only while someone is signed in. The data is the parsed JSON,
 * typed `unknown`: narrow it before use.
 *
 * @param key the query key; include everything the URL depends on
 * @param url an absolute URL on one of the client's `resourceOrigins`
 * @returns TanStack Query's result
 * @throws {Error} outside an `AuthProvider` or a `QueryClientProvider`
 */
export function useAuthorizedQuery(key: QueryKey, url: string): UseQueryResult<unknown, Error> {
  const { client } = useAuthContext()
  const { status } = useAuth()
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => fetchAuthorizedJson(client, url, signal),
    enabled: status === 'signed-in',
  })
}

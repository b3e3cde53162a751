import type { LoginClient } from '@oauth-connect/core/login'
import type { QueryKey, UseQueryResult } from '@tanstack/react-query'
import { useAuthContext } from './AuthProvider.tsx'
import { type AuthQueryOptions, authQueryKeys, useUserQuery } from './authQueries.ts'
import { ResourceError } from './errors.ts'
import { isOperationOutcome } from './fhir.ts'

/** Media type asked for by the query hooks; FHIR servers answer JSON to it. */
export const FHIR_JSON = 'application/fhir+json'

/**
 * GETs `url` through the client's authorized `fetch` (bearer only for its resource origins) and
 * parses JSON.
 *
 * @throws {ResourceError} `http_error` for a non-2xx status (with the server's
 *   `OperationOutcome` as `outcome` when it sent one), `invalid_body` for non-JSON
 */
export async function fetchAuthorizedJson(
  client: LoginClient,
  url: string,
  signal: AbortSignal,
): Promise<unknown> {
  const response = await client.fetch(url, { headers: { accept: FHIR_JSON }, signal })
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined)
    throw new ResourceError(
      'http_error',
      `"${url}" answered HTTP ${response.status}`,
      response.status,
      { outcome: isOperationOutcome(body) ? body : undefined },
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
 * `application/fhir+json`. It runs only while someone is signed in, under the key
 * `authQueryKeys.authorized(sub, key)`. The data is the parsed JSON, typed `unknown`: narrow it
 * (in `select`, for example) before use.
 *
 * @param key your part of the query key; include everything the URL depends on
 * @param url an absolute URL on one of the client's `resourceOrigins`
 * @param options TanStack Query's options (`enabled`, `staleTime`, `select`, `retry`,
 *   `refetchInterval`, `placeholderData`, …). By default an error that a retry cannot fix
 *   (4xx, a refused sign-in, a security check) is not retried; `enabled` adds to "signed in".
 * @returns TanStack Query's result
 * @throws {Error} outside an `AuthProvider` or a `QueryClientProvider`
 */
export function useAuthorizedQuery<TData = unknown>(
  key: QueryKey,
  url: string,
  options: AuthQueryOptions<unknown, TData> = {},
): UseQueryResult<TData, Error> {
  const { client } = useAuthContext()
  return useUserQuery(
    (user) => authQueryKeys.authorized(user, key),
    (signal) => fetchAuthorizedJson(client, url, signal),
    options,
  )
}

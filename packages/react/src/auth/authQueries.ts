import { LoginError } from '@oauth-connect/core/login'
import {
  type QueryClient,
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { useEffect, useSyncExternalStore } from 'react'
import { useAuthContext } from './AuthProvider.tsx'
import { ResourceError } from './errors.ts'
import type { FhirSearchParams } from './useFhirQuery.ts'

/**
 * The query keys of {@link useFhirQuery} and {@link useAuthorizedQuery}. Every key starts with
 * `all` and then the signed-in user's `sub` (`null` without an ID token), so one user's entries
 * can never answer for another, and `AuthProvider` removes `all` at sign-out. Shorter calls give
 * prefixes for `invalidateQueries`.
 */
export const authQueryKeys = {
  all: ['oauth-connect', 'auth'] as const,
  user: (user: string | null) => ['oauth-connect', 'auth', user] as const,
  fhir: (
    user: string | null,
    fhirBaseUrl: string,
    ...rest: [resourceType?: string, params?: FhirSearchParams]
  ) => ['oauth-connect', 'auth', user, 'fhir', fhirBaseUrl, ...rest] as const,
  authorized: (user: string | null, key: QueryKey) =>
    ['oauth-connect', 'auth', user, 'authorized', ...key] as const,
}

/** TanStack Query's options the query hooks pass through; each also takes an explicit `undefined`. */
export type AuthQueryOptions<TQueryFnData, TData = TQueryFnData> = {
  readonly [K in keyof Omit<
    UseQueryOptions<TQueryFnData, Error, TData, QueryKey>,
    'queryKey' | 'queryFn'
  >]?: UseQueryOptions<TQueryFnData, Error, TData, QueryKey>[K] | undefined
}

/**
 * Whether retrying can fix `error`: a 5xx, 408 or 429 answer, a network failure or a timeout.
 * A 4xx, a body of the wrong shape, a refused or missing sign-in and a security check never
 * change on a retry.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ResourceError) {
    return (
      error.code === 'http_error' &&
      (error.status >= 500 || error.status === 408 || error.status === 429)
    )
  }
  if (error instanceof LoginError) return error.code === 'network_error' || error.code === 'timeout'
  // A fetch that never got an answer rejects with a plain TypeError; coded errors are ours.
  return !(error instanceof Error && 'code' in error)
}

type Retry = UseQueryOptions['retry']

/** Retries only what {@link isRetryable} allows, then as the QueryClient's default says (3 times). */
function defaultRetry(fallback: Retry) {
  return (failureCount: number, error: Error): boolean =>
    isRetryable(error) &&
    (typeof fallback === 'function'
      ? fallback(failureCount, error)
      : typeof fallback === 'number'
        ? failureCount < fallback
        : (fallback ?? true) && failureCount < 3)
}

/** The signed-in user the query hooks key by: `sub`, `null` without claims, `undefined` signed out. */
export function useQueryUser(): string | null | undefined {
  const { client } = useAuthContext()
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
  return snapshot.status === 'signed-in' ? (snapshot.claims?.sub ?? null) : undefined
}

/**
 * The query both hooks run: keyed by the user, enabled only while signed in, retried only when
 * retrying helps, and never showing another user's data as a placeholder.
 */
export function useUserQuery<TQueryFnData, TData>(
  keyOf: (user: string | null) => QueryKey,
  queryFn: (signal: AbortSignal) => Promise<TQueryFnData>,
  options: AuthQueryOptions<TQueryFnData, TData>,
): UseQueryResult<TData, Error> {
  const { trackQueryClient } = useAuthContext()
  const queryClient = useQueryClient()
  useEffect(() => trackQueryClient(queryClient), [trackQueryClient, queryClient])
  const current = useQueryUser()
  const user = current ?? null
  const signedIn = current !== undefined
  const { enabled, retry, placeholderData, ...rest } = options
  type Options = UseQueryOptions<TQueryFnData, Error, TData, QueryKey>
  const query = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as unknown as Options
  query.queryKey = keyOf(user)
  query.queryFn = ({ signal }) => queryFn(signal)
  query.enabled =
    typeof enabled === 'function'
      ? (current) => signedIn && enabled(current)
      : signedIn && (enabled ?? true)
  query.retry = retry ?? defaultRetry(queryClient.getDefaultOptions().queries?.retry)
  if (typeof placeholderData === 'function') {
    // keepPreviousData across a user switch would show the last user's data to the next.
    const placeholder = placeholderData as (
      previous: unknown,
      previousQuery: { readonly queryKey: QueryKey } | undefined,
    ) => unknown
    const guarded: typeof placeholder = (previous, previousQuery) =>
      previousQuery && previousQuery.queryKey[2] !== user
        ? undefined
        : placeholder(previous, previousQuery)
    query.placeholderData = guarded as NonNullable<Options['placeholderData']>
  } else if (placeholderData !== undefined) {
    query.placeholderData = placeholderData
  }
  return useQuery(query)
}

/**
 * Removes every query under {@link authQueryKeys}`.all` from `queryClients`: in-flight fetches
 * are cancelled and no entry of the user who left stays in memory.
 */
export function removeUserQueries(queryClients: Iterable<QueryClient>): void {
  for (const queryClient of queryClients) {
    queryClient.removeQueries({ queryKey: authQueryKeys.all })
  }
}

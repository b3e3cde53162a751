import {
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
  useQuery,
} from '@tanstack/react-query'
import { useBwell } from './BwellClientProvider.tsx'
import { userOfKey } from './bwellKeys.ts'
import type { BwellClient } from './client.ts'
import { type BwellError, isRetryableBwellError } from './errors.ts'

/**
 * The TanStack Query options a b.well query hook passes through: everything but `queryKey` and
 * `queryFn`, which the hook owns. `retry` defaults to three retries of failures a retry can fix
 * ({@link isRetryableBwellError}): a 4xx or security error is not retried.
 */
export type BwellQueryOptions<TQueryFnData, TData = TQueryFnData> = Omit<
  UseQueryOptions<TQueryFnData, BwellError, TData, QueryKey>,
  'queryKey' | 'queryFn'
>

// TanStack's placeholder type is a union that TypeScript cannot call through in generic code.
type PlaceholderFn = (previous: unknown, query: unknown) => unknown

/** The default `retry` of the b.well queries. */
export const retryBwell = (failureCount: number, error: BwellError): boolean =>
  failureCount < 3 && isRetryableBwellError(error)

/**
 * `useQuery` under the signed-in user of {@link BwellClientProvider}: the key holds the user,
 * nothing runs without one, and a placeholder never comes from another user's query (SEC-27).
 */
export function useBwellQuery<TQueryFnData, TData>(
  key: (user: string) => QueryKey,
  load: (client: BwellClient, signal: AbortSignal) => Promise<TQueryFnData>,
  options: BwellQueryOptions<TQueryFnData, TData>,
  ready = true,
): UseQueryResult<TData, BwellError> {
  const { client, user } = useBwell()
  const { enabled = true, placeholderData, retry = retryBwell, ...rest } = options
  const allowed = user !== null && ready
  const placeholder: typeof placeholderData =
    typeof placeholderData === 'function'
      ? (previous, query) =>
          query && userOfKey(query.queryKey) !== user
            ? undefined
            : ((placeholderData as PlaceholderFn)(previous, query) as typeof previous)
      : placeholderData
  return useQuery<TQueryFnData, BwellError, TData, QueryKey>({
    ...rest,
    retry,
    queryKey: key(user ?? ''),
    queryFn: ({ signal }) => load(client, signal),
    enabled:
      typeof enabled === 'function' ? (query) => allowed && enabled(query) : allowed && enabled,
    ...(placeholder !== undefined && { placeholderData: placeholder }),
  })
}

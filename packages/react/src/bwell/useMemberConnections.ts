import type { UseQueryResult } from '@tanstack/react-query'
import { bwellKeys, type MemberConnectionsSource } from './bwellKeys.ts'
import type { BwellError } from './errors.ts'
import type { Connection, MemberConnectionsFilter } from './types.ts'
import { type BwellQueryOptions, useBwellQuery } from './useBwellQuery.ts'

/** Options of {@link useMemberConnections}: TanStack Query's, plus where and how to read. */
export type UseMemberConnectionsOptions<TData = readonly Connection[]> = BwellQueryOptions<
  readonly Connection[],
  TData
> & {
  /**
   * `getMemberConnections` (default: b.well's typed query, with `filter`) or `subscriptions`
   * (b.well's FHIR Subscriptions, as b.well's own SDK reads them; `filter` does not apply).
   */
  readonly source?: MemberConnectionsSource
  /** `getMemberConnections` filters. */
  readonly filter?: MemberConnectionsFilter
  /** Refetch this often while a connection's `syncStatus` is `PENDING` or `RETRIEVING`. Default 2 000. */
  readonly syncIntervalMs?: number
}

const SYNCING: ReadonlySet<string | null> = new Set(['PENDING', 'RETRIEVING'])

/** Whether b.well is still retrieving a connection's data. */
export const isSyncing = (connection: Connection): boolean => SYNCING.has(connection.syncStatus)

/**
 * The signed-in user's connections, each with its `status` and `syncStatus`. While one is syncing
 * (`PENDING`, `RETRIEVING`) the list is refetched every `syncIntervalMs`, and not once all are done.
 * The connect, create, disconnect and delete hooks refetch it when they succeed.
 *
 * @param options TanStack Query options, `source`, `filter`, `syncIntervalMs`
 * @returns the TanStack query; `data` is the connection list
 */
export function useMemberConnections<TData = readonly Connection[]>(
  options: UseMemberConnectionsOptions<TData> = {},
): UseQueryResult<TData, BwellError> {
  const { source = 'getMemberConnections', filter = {}, syncIntervalMs = 2_000, ...rest } = options
  return useBwellQuery(
    (user) => bwellKeys.memberConnections(user, source, source === 'subscriptions' ? {} : filter),
    (client, signal) =>
      source === 'subscriptions'
        ? client.getSubscriptionConnections({ signal })
        : client.getMemberConnections(filter, { signal }),
    {
      refetchInterval: (query) => (query.state.data?.some(isSyncing) ? syncIntervalMs : false),
      ...rest,
    },
  )
}

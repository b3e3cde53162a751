import type { UseQueryResult } from '@tanstack/react-query'
import { bwellKeys } from './bwellKeys.ts'
import type { BwellError } from './errors.ts'
import type { DataSource } from './types.ts'
import { type BwellQueryOptions, useBwellQuery } from './useBwellQuery.ts'

/**
 * Reads a data source (`getDataSource`): its `category` says how to connect it, `OAUTH` through
 * the popup (`useConnectDataSource`) or `BASIC` with a username and password (`useCreateConnection`).
 *
 * @param connectionId a search result's `connectionId`; nothing is fetched while it is `null` or `undefined`
 * @param options TanStack Query options
 * @returns the TanStack query; `data` is the `DataSource`
 */
export function useDataSource<TData = DataSource>(
  connectionId: string | null | undefined,
  options: BwellQueryOptions<DataSource, TData> = {},
): UseQueryResult<TData, BwellError> {
  return useBwellQuery(
    (user) => bwellKeys.dataSource(user, connectionId ?? ''),
    (client, signal) => client.getDataSource(connectionId ?? '', { signal }),
    options,
    Boolean(connectionId),
  )
}

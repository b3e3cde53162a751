import { type UseQueryResult, useQuery } from '@tanstack/react-query'
import { useBwellClient } from './BwellClientProvider.tsx'
import { bwellKeys } from './bwellKeys.ts'
import type { Connection } from './documents.ts'
import type { BwellError } from './errors.ts'

/** Options of {@link useConnection}. */
export interface UseConnectionOptions {
  /** Refetch every this many ms, e.g. while data is being retrieved. Default: no polling. */
  readonly refetchIntervalMs?: number
}

/**
 * Reads a connection's status, e.g. to confirm a `'status-success'` hint on the backend.
 *
 * @param id the connection id; nothing is fetched while it is `undefined`
 * @returns the TanStack query; `data` is the connection or `null`
 */
export function useConnection(
  id: string | undefined,
  options: UseConnectionOptions = {},
): UseQueryResult<Connection | null, BwellError> {
  const client = useBwellClient()
  return useQuery({
    queryKey: bwellKeys.connection(id ?? ''),
    queryFn: ({ signal }) => client.connection(id ?? '', { signal }),
    enabled: id !== undefined,
    ...(options.refetchIntervalMs && { refetchInterval: options.refetchIntervalMs }),
  })
}

import { type UseMutationOptions, type UseMutationResult, useMutation } from '@tanstack/react-query'
import { useBwell } from './BwellClientProvider.tsx'
import type { BwellClient } from './client.ts'
import type { BwellError } from './errors.ts'
import type {
  ConnectionStatusUpdate,
  OperationOutcomeIssue,
  RequestConnectionInput,
} from './types.ts'
import { useRefetchConnections } from './useRefetchConnections.ts'

/** The TanStack mutation options a b.well mutation hook passes through (all but `mutationFn`). */
export type BwellMutationOptions<TData, TVariables> = Omit<
  UseMutationOptions<TData, BwellError, TVariables>,
  'mutationFn'
>

/**
 * A mutation on the client of {@link BwellClientProvider} that refetches the user's connections
 * when it succeeds, before the caller's `onSuccess`.
 */
export function useBwellMutation<TData, TVariables>(
  run: (client: BwellClient, variables: TVariables) => Promise<TData>,
  options: BwellMutationOptions<TData, TVariables>,
): UseMutationResult<TData, BwellError, TVariables> {
  const { client } = useBwell()
  const refetchConnections = useRefetchConnections()
  const { onSuccess, ...rest } = options
  return useMutation<TData, BwellError, TVariables>({
    ...rest,
    mutationFn: (variables) => run(client, variables),
    onSuccess: async (...args) => {
      await refetchConnections()
      await onSuccess?.(...args)
    },
  })
}

/**
 * Disconnects a connection (`disconnectConnection`): b.well stops syncing and keeps the data. An
 * OAuth source reconnects through a new `getOauthUrl` flow.
 *
 * @returns the TanStack mutation; `mutate(connectionId)`
 */
export function useDisconnectConnection(
  options: BwellMutationOptions<ConnectionStatusUpdate, string> = {},
): UseMutationResult<ConnectionStatusUpdate, BwellError, string> {
  return useBwellMutation((client, id) => client.disconnectConnection(id), options)
}

/**
 * Deletes a connection and its data (`deleteConnection`).
 *
 * @returns the TanStack mutation; `mutate(connectionId)`
 */
export function useDeleteConnection(
  options: BwellMutationOptions<ConnectionStatusUpdate, string> = {},
): UseMutationResult<ConnectionStatusUpdate, BwellError, string> {
  return useBwellMutation((client, id) => client.deleteConnection(id), options)
}

/**
 * Asks b.well to add a data source the search did not find (`requestConnection`).
 *
 * @returns the TanStack mutation; `mutate({ institution, provider, city, state })` resolves with b.well's issues
 */
export function useRequestConnection(
  options: BwellMutationOptions<readonly OperationOutcomeIssue[], RequestConnectionInput> = {},
): UseMutationResult<readonly OperationOutcomeIssue[], BwellError, RequestConnectionInput> {
  return useBwellMutation((client, input) => client.requestConnection(input), options)
}

// The b.well client (graphql-request) and its hooks: `@oauth-connect/react/bwell`.

export type { BwellClientProviderProps, BwellContextValue } from './BwellClientProvider.tsx'
export { BwellClientProvider, useBwell, useBwellClient } from './BwellClientProvider.tsx'
export { bwellKeys, type MemberConnectionsSource } from './bwellKeys.ts'
export type {
  BwellClient,
  BwellClientOptions,
  BwellRequestOptions,
  CreateConnectionInput,
} from './client.ts'
export { createBwellClient, PROA_SOURCE } from './client.ts'
export { type BwellOperation, bwellDocuments } from './documents.ts'
export type { BwellErrorCode, BwellErrorOptions } from './errors.ts'
export { BwellError, isRetryableBwellError } from './errors.ts'
export type * from './types.ts'
export type { BwellQueryOptions } from './useBwellQuery.ts'
export { retryBwell } from './useBwellQuery.ts'
export type { UseConnectDataSourceOptions } from './useConnectDataSource.ts'
export { useConnectDataSource } from './useConnectDataSource.ts'
export type { BwellMutationOptions } from './useConnectionMutations.ts'
export {
  useDeleteConnection,
  useDisconnectConnection,
  useRequestConnection,
} from './useConnectionMutations.ts'
export type {
  CreateConnectionVariables,
  UseCreateConnectionResult,
} from './useCreateConnection.ts'
export { useCreateConnection } from './useCreateConnection.ts'
export { useDataSource } from './useDataSource.ts'
export type {
  UseHealthResourceSearchOptions,
  UseHealthResourceSearchResult,
} from './useHealthResourceSearch.ts'
export { useHealthResourceSearch } from './useHealthResourceSearch.ts'
export type { UseMemberConnectionsOptions } from './useMemberConnections.ts'
export { isSyncing, useMemberConnections } from './useMemberConnections.ts'

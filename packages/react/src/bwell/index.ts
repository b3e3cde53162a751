// The b.well GraphQL client (graphql-request) and its hooks: `@oauth-connect/react/bwell`.
export { BwellClientProvider, useBwellClient } from './BwellClientProvider.tsx'
export { bwellKeys } from './bwellKeys.ts'
export type { BwellClient, BwellClientOptions, BwellRequestOptions } from './client.ts'
export { createBwellClient } from './client.ts'
export type { Connection, Provider } from './documents.ts'
export {
  ConnectionDocument,
  CreateConnectionDocument,
  DisconnectConnectionDocument,
  GetOauthUrlDocument,
  SearchProvidersDocument,
} from './documents.ts'
export type { BwellErrorCode } from './errors.ts'
export { BwellError } from './errors.ts'
export type { UseConnectionOptions } from './useConnection.ts'
export { useConnection } from './useConnection.ts'
export { useCreateConnection } from './useCreateConnection.ts'
export type { UseProviderSearchOptions } from './useProviderSearch.ts'
export { useProviderSearch } from './useProviderSearch.ts'
